import "server-only";
import type { ReadRoute } from "@/contracts/services";
import { chooseReadReplica, type RegionProbe } from "@/core/routing/read-route";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";
import { NotFoundError, ValidationError } from "../errors";
import { retiredServiceError } from "../retired-guards";
import { readTopology } from "../topology/read-topology";

/**
 * Every witness probe between `near` and these regions, either way, by any
 * service's agents: a round trip between two regions is the network's, not
 * one service's, and a client may sit in a region the service has no
 * replica in.
 */
async function probesBetween(near: string, regionIds: readonly string[]): Promise<RegionProbe[]> {
  const { rows } = await sqlPool().query<RegionProbe>({
    name: "read-route-probes",
    text: `
      SELECT f."regionId" AS "fromRegionId", t."regionId" AS "toRegionId", w.reachable, w."rttMs", w."observedAt"
        FROM "WitnessLink" w
        JOIN "Replica" f ON f.id = w."fromReplicaId" AND f."retiredAt" IS NULL
        JOIN "Replica" t ON t.id = w."toReplicaId" AND t."retiredAt" IS NULL
       WHERE (f."regionId" = $1 AND t."regionId" = ANY($2)) OR (t."regionId" = $1 AND f."regionId" = ANY($2))`,
    values: [near, regionIds],
  });
  return rows;
}

/**
 * Where a client near a region should read from a service now: the
 * closest replica the read route rules (core/routing/read-route.ts) let
 * serve within `maxLagSeconds`, from the shared topology read, or none
 * with every replica's reason.
 */
export async function readRoute(serviceId: string, near: string, maxLagSeconds: number, now = new Date()): Promise<ReadRoute> {
  const [service, region] = await Promise.all([
    db().service.findUnique({
      where: { id: serviceId },
      select: { retiredAt: true, replicas: { where: { retiredAt: null }, select: { id: true, host: true, port: true, databaseName: true } } },
    }),
    db().region.findUnique({ where: { id: near }, select: { retiredAt: true } }),
  ]);
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  if (service.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, "Switchyard routes its reads nowhere any more");
  if (!region) throw new ValidationError(`near: no region ${near} (regions are named cloud:code, e.g. aws:eu-west-1)`, "near");
  if (region.retiredAt) throw new ValidationError(`near: region ${near} is retired`, "near");
  const [topology] = await readTopology(now, [serviceId]);
  // Retired between the two reads: the same answer as had it been retired before.
  if (!topology) throw retiredServiceError(serviceId, null, "Switchyard routes its reads nowhere any more");
  const probes = await probesBetween(near, [...new Set(topology.replicas.map((replica) => replica.regionId))]);
  const route = chooseReadReplica({
    now,
    near,
    maxLagSeconds,
    writeReplicaId: topology.writeReplicaId,
    replicas: topology.replicas,
    datasets: topology.datasets,
    probes,
    staleAfterMs: topology.staleAfterMs,
  });
  const chosen = route.verdicts.find((verdict) => verdict.replicaId === route.replicaId);
  const address = chosen && service.replicas.find((replica) => replica.id === chosen.replicaId);
  return {
    intent: "read",
    serviceId,
    near,
    maxLagSeconds,
    replica:
      chosen && address
        ? {
            id: chosen.replicaId,
            name: chosen.name,
            regionId: chosen.regionId,
            endpoint: `postgresql://${address.host}:${address.port}/${encodeURIComponent(address.databaseName)}`,
            lagSeconds: chosen.lagSeconds!,
            rttMs: chosen.rttMs,
          }
        : null,
    sentence: route.sentence,
    candidates: route.verdicts.map(({ replicaId, name, regionId, role, lagSeconds, rttMs, serves, rule, reason }) => ({ replicaId, name, regionId, role, lagSeconds, rttMs, serves, rule, reason })),
    epoch: topology.epoch,
    generatedAt: now.toISOString(),
  };
}
