import "server-only";
import type { WriteRoute } from "@/contracts/services";
import { readWriteConnectionString } from "@/core/routing/connection-string";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { retiredServiceError } from "../retired-guards";

/** Where a service takes writes now: what clients (and the lab's workload) follow. */
export async function writeRoute(serviceId: string): Promise<WriteRoute> {
  const service = await db().service.findUnique({
    where: { id: serviceId },
    include: {
      writeReplica: true,
      // The order a client tries them after the write replica: the likeliest next primary first.
      replicas: { where: { retiredAt: null, role: { not: "witness" } }, orderBy: [{ promotionPriority: "desc" }, { name: "asc" }], select: { id: true, host: true, port: true } },
    },
  });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  // A client still following it must hear that it is gone, not be sent to the last primary Switchyard knew.
  if (service.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, "Switchyard routes its writes nowhere any more");
  const replica = service.writeReplica;
  const hosts = replica ? [replica, ...service.replicas.filter((other) => other.id !== replica.id)] : [];
  return {
    intent: "write",
    serviceId,
    writeRegionId: replica?.regionId ?? null,
    writeReplica: replica?.name ?? null,
    endpoint: replica ? `postgresql://${replica.host}:${replica.port}/${encodeURIComponent(replica.databaseName)}` : null,
    connectionString: replica ? readWriteConnectionString(hosts, replica.databaseName) : null,
    epoch: service.epoch,
  };
}
