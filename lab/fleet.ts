import type { FleetDocument } from "@/contracts/topology";
import { DEMO_DATASETS, DEMO_REGIONS, DEMO_REPLICAS, DEMO_SERVICE } from "@/prisma/seed/demo-topology";

export interface LabEndpointInfo {
  name: string;
  host: string;
  port: number;
  databaseName: string;
  role: "primary" | "standby";
}

/**
 * The lab's topology as the fleet document a user would write for it:
 * its three regions and orders-db, each replica at the endpoint its cluster
 * really listens on. The primary named is the one serving now, so a lab whose
 * primary moved (a failover before a restart) is described as it is.
 */
export function labFleetDocument(endpoints: readonly LabEndpointInfo[]): FleetDocument {
  const primary = endpoints.find((endpoint) => endpoint.role === "primary");
  if (!primary) throw new Error("the lab has no primary to name");
  return {
    version: 1,
    regions: DEMO_REGIONS.map(({ cloud, code, jurisdiction, displayName }) => ({ cloud, code, jurisdiction, displayName })),
    services: [
      {
        id: DEMO_SERVICE.id,
        name: DEMO_SERVICE.name,
        description: DEMO_SERVICE.description,
        labels: {},
        engine: DEMO_SERVICE.engine,
        primary: primary.name,
        datasets: DEMO_DATASETS.map((dataset) => ({ ...dataset })),
        replicas: DEMO_REPLICAS.map((replica) => {
          const endpoint = endpoints.find((candidate) => candidate.name === replica.name);
          if (!endpoint) throw new Error(`the lab has no cluster for ${replica.name}`);
          return {
            name: replica.name,
            region: replica.regionId,
            host: endpoint.host,
            port: endpoint.port,
            database: endpoint.databaseName,
            replication: replica.replication,
            promotionPriority: replica.promotionPriority,
            noPromote: false,
            witnessOnly: false,
          };
        }),
      },
    ],
  };
}
