import "server-only";
import type { PolicyTopology } from "@/core/policy/policy-topology";
import { db } from "../db/client";

/**
 * The topology a policy governs: the service's datasets and replicas with
 * their last reported lag, or for the global default every service that has
 * no version of its own.
 */
export async function loadPolicyTopology(serviceId: string | null): Promise<PolicyTopology> {
  const [regions, datasets, services] = await Promise.all([
    // A retired region is offered nowhere new: no policy may name it.
    db().region.findMany({ where: { retiredAt: null }, orderBy: { id: "asc" }, select: { id: true, jurisdiction: true } }),
    db().dataset.findMany({ where: serviceId ? { serviceId } : { service: { retiredAt: null } }, orderBy: { name: "asc" }, select: { name: true } }),
    db().service.findMany({
      where: serviceId ? { id: serviceId } : { retiredAt: null, OR: [{ policy: { is: null } }, { policy: { is: { currentVersion: 0 } } }] },
      select: { id: true, engine: true, writeReplicaId: true, replicas: { where: { retiredAt: null }, orderBy: { name: "asc" }, include: { region: { select: { jurisdiction: true } }, state: { select: { lagBytes: true } } } } },
    }),
  ]);
  return {
    serviceId,
    regions,
    datasets: [...new Set(datasets.map((dataset) => dataset.name))],
    replicas: services.flatMap((service) =>
      service.replicas.map((replica) => ({
        serviceId: service.id,
        name: replica.name,
        engine: service.engine,
        regionId: replica.regionId,
        jurisdiction: replica.region.jurisdiction,
        role: replica.role,
        replication: replica.replication,
        noPromote: replica.noPromote,
        writePrimary: service.writeReplicaId === replica.id,
        lagBytes: replica.state?.lagBytes === null || replica.state?.lagBytes === undefined ? null : Number(replica.state.lagBytes),
      })),
    ),
  };
}
