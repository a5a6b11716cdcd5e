import "server-only";
import { serviceLabelsSchema, type FleetService } from "@/contracts/topology";
import type { TopologyState } from "@/core/topology/topology-rules";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";

type Client = Tx | ReturnType<typeof db>;

/** The engines the fleet document expresses; a store holding another one was written by something newer than this code. */
function fleetEngine(serviceId: string, engine: string): FleetService["engine"] {
  if (engine === "postgresql" || engine === "mariadb" || engine === "simulated") return engine;
  throw new Error(`service ${serviceId} runs ${engine}, which this version's fleet document cannot express`);
}

/**
 * The topology as it is: every region, and every service with its datasets
 * and its active replicas (retired ones are history, not topology), the
 * write replica as its primary; of retired services and regions, only their
 * ids. Three queries whatever the fleet's size.
 */
export async function liveTopology(client: Client = db()): Promise<TopologyState> {
  const [allRegions, allServices, replicas] = await Promise.all([
    client.region.findMany({ orderBy: { id: "asc" } }),
    client.service.findMany({ orderBy: { id: "asc" }, include: { datasets: { orderBy: { name: "asc" } }, writeReplica: { select: { name: true } } } }),
    client.replica.findMany({ where: { retiredAt: null }, orderBy: [{ serviceId: "asc" }, { name: "asc" }] }),
  ]);
  const regions = allRegions.filter((region) => region.retiredAt === null);
  const services = allServices.filter((service) => service.retiredAt === null);
  return {
    retired: {
      services: allServices.filter((service) => service.retiredAt !== null).map((service) => service.id),
      regions: allRegions.filter((region) => region.retiredAt !== null).map((region) => region.id),
    },
    regions: regions.map(({ cloud, code, jurisdiction, displayName }) => ({ cloud, code, jurisdiction, displayName })),
    services: services.map(
      (service): FleetService => ({
        id: service.id,
        name: service.name,
        description: service.description,
        labels: serviceLabelsSchema.parse(service.labels),
        engine: fleetEngine(service.id, service.engine),
        primary: service.writeReplica?.name ?? "",
        datasets: service.datasets.map(({ name, ownerTeam, consistency, rpoSeconds, rtoSeconds }) => ({ name, ownerTeam, consistency, rpoSeconds, rtoSeconds })),
        replicas: replicas
          .filter((replica) => replica.serviceId === service.id)
          .map((replica) => ({
            name: replica.name,
            region: replica.regionId,
            host: replica.host,
            port: replica.port,
            database: replica.databaseName,
            replication: replica.replication,
            promotionPriority: replica.promotionPriority,
            noPromote: replica.noPromote,
            witnessOnly: replica.role === "witness",
          })),
      }),
    ),
  };
}
