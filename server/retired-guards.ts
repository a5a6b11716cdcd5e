import "server-only";
import type { Tx } from "./db/transaction";
import { ConflictError, NotFoundError } from "./errors";

/**
 * The answer to anything asked of a retired service but reading its history:
 * 409, saying (when known) when it was retired and what that means here
 * (rule service-retired).
 */
export function retiredServiceError(serviceId: string, retiredAt: Date | null, consequence: string, field = "id"): ConflictError {
  const when = retiredAt ? `was retired at ${retiredAt.toISOString()}` : "is retired";
  return new ConflictError(`Service ${serviceId} ${when}: ${consequence} (rule service-retired).`, field);
}

/** The same for a retired region (rule region-retired). */
export function retiredRegionError(regionId: string, consequence: string): ConflictError {
  return new ConflictError(`Region ${regionId} is retired: ${consequence} (rule region-retired).`, "id");
}

/**
 * A service that exists and is not retired, or the error saying which it is
 * not (404, or 409 naming what retirement means for `consequence`).
 */
export async function liveServiceOrThrow(client: Pick<Tx, "service">, serviceId: string, consequence: string, field = "id"): Promise<void> {
  const service = await client.service.findUnique({ where: { id: serviceId }, select: { retiredAt: true } });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  if (service.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, consequence, field);
}
