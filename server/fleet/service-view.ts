import "server-only";
import type { ServiceView } from "@/contracts/services";
import { serviceLabelsSchema } from "@/contracts/topology";
import type { Dataset, Prisma, Replica, Service } from "../db/generated/client";
import type { PolicyInForce } from "@/core/topology/service-topology";

const REPLICA_ORDER: Prisma.ReplicaOrderByWithRelationInput[] = [{ role: "asc" }, { promotionPriority: "desc" }, { name: "asc" }];

export const SERVICE_INCLUDE = {
  datasets: { orderBy: { name: "asc" } },
  // Retired replicas are history, not topology.
  replicas: { where: { retiredAt: null }, orderBy: REPLICA_ORDER },
  writeReplica: { select: { regionId: true } },
} satisfies Prisma.ServiceInclude;

/**
 * The replicas a service's page shows: its active ones, or for a retired
 * service the ones retired with it (at the same moment), as it was when it
 * was retired. Replicas retired one by one before stay out either way.
 */
export const replicasOf = (retiredAt: Date | null) => ({ ...SERVICE_INCLUDE.replicas, where: { retiredAt } });

type ServiceRow = Service & { datasets: Dataset[]; replicas: Replica[]; writeReplica: { regionId: string } | null };

export function serviceView(service: ServiceRow, policy: Pick<PolicyInForce, "version" | "document"> | undefined): ServiceView {
  return {
    id: service.id,
    name: service.name,
    description: service.description,
    engine: service.engine,
    epoch: service.epoch,
    policyVersion: policy?.version ?? null,
    writeReplicaId: service.writeReplicaId,
    writeRegionId: service.writeReplica?.regionId ?? null,
    labels: serviceLabelsSchema.parse(service.labels),
    retiredAt: service.retiredAt?.toISOString() ?? null,
    datasets: service.datasets.map((dataset) => ({
      id: dataset.id,
      name: dataset.name,
      ownerTeam: dataset.ownerTeam,
      consistency: dataset.consistency,
      rpoSeconds: dataset.rpoSeconds,
      rtoSeconds: dataset.rtoSeconds,
      replication: policy?.document.datasets[dataset.name]?.replication ?? null,
      residency: policy?.document.datasets[dataset.name]?.residency ?? null,
    })),
    replicas: service.replicas.map((replica) => ({
      id: replica.id,
      name: replica.name,
      regionId: replica.regionId,
      role: replica.role,
      engine: replica.engine,
      host: replica.host,
      port: replica.port,
      databaseName: replica.databaseName,
      replication: replica.replication,
      promotionPriority: replica.promotionPriority,
      noPromote: replica.noPromote,
    })),
  };
}
