import "server-only";
import type { ServiceList } from "@/contracts/services";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";

export async function listServices(): Promise<ServiceList> {
  const [services, regions] = await Promise.all([
    db().service.findMany({
      orderBy: { id: "asc" },
      include: {
        datasets: { orderBy: { name: "asc" } },
        replicas: { orderBy: [{ role: "asc" }, { promotionPriority: "desc" }, { name: "asc" }] },
        writeReplica: { select: { regionId: true } },
      },
    }),
    db().region.findMany({ orderBy: { id: "asc" } }),
  ]);
  const policies = await effectivePolicies(services.map((service) => service.id));
  return {
    regions,
    services: services.map((service) => {
      const policy = policies.get(service.id);
      return {
      id: service.id,
      name: service.name,
      description: service.description,
      engine: service.engine,
      epoch: service.epoch,
      policyVersion: policy?.version ?? null,
      writeReplicaId: service.writeReplicaId,
      writeRegionId: service.writeReplica?.regionId ?? null,
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
    }),
  };
}
