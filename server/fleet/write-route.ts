import "server-only";
import type { WriteRoute } from "@/contracts/services";
import { db } from "../db/client";
import { NotFoundError } from "../errors";

/** Where a service takes writes now: what clients (and the lab's workload) follow. */
export async function writeRoute(serviceId: string): Promise<WriteRoute> {
  const service = await db().service.findUnique({ where: { id: serviceId }, include: { writeReplica: true } });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  const replica = service.writeReplica;
  return {
    serviceId,
    writeRegionId: replica?.regionId ?? null,
    writeReplica: replica?.name ?? null,
    endpoint: replica ? `postgresql://${replica.host}:${replica.port}/${encodeURIComponent(replica.databaseName)}` : null,
    epoch: service.epoch,
  };
}
