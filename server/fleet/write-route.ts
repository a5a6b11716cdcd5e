import "server-only";
import type { WriteRoute } from "@/contracts/services";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { retiredServiceError } from "../retired-guards";

/** Where a service takes writes now: what clients (and the lab's workload) follow. */
export async function writeRoute(serviceId: string): Promise<WriteRoute> {
  const service = await db().service.findUnique({ where: { id: serviceId }, include: { writeReplica: true } });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  // A client still following it must hear that it is gone, not be sent to the last primary Switchyard knew.
  if (service.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, "Switchyard routes its writes nowhere any more");
  const replica = service.writeReplica;
  return {
    serviceId,
    writeRegionId: replica?.regionId ?? null,
    writeReplica: replica?.name ?? null,
    endpoint: replica ? `postgresql://${replica.host}:${replica.port}/${encodeURIComponent(replica.databaseName)}` : null,
    epoch: service.epoch,
  };
}
