import type { FleetDocument } from "@/contracts/topology";
import { DEMO_REGIONS, DEMO_SERVICES } from "@/prisma/seed/demo-topology";

export interface LabEndpointInfo {
  name: string;
  host: string;
  port: number;
  databaseName: string;
  role: "primary" | "standby";
}

/**
 * The lab's topology as the fleet document a user would write for it: its
 * three regions and each demo service the endpoints belong to (orders-db,
 * payments-db), each replica at the endpoint its cluster really listens on.
 * The primary named is the one serving now, so a lab whose primary moved (a
 * failover before a restart) is described as it is.
 */
export function labFleetDocument(endpoints: readonly LabEndpointInfo[]): FleetDocument {
  const names = new Set(endpoints.map((endpoint) => endpoint.name));
  const services = DEMO_SERVICES.filter((demo) => demo.replicas.some((replica) => names.has(replica.name)));
  if (!services.length) throw new Error("the lab has no cluster of any demo service to describe");
  return {
    version: 1,
    regions: DEMO_REGIONS.map(({ cloud, code, jurisdiction, displayName }) => ({ cloud, code, jurisdiction, displayName })),
    services: services.map((demo) => {
      const endpointOf = (name: string) => {
        const endpoint = endpoints.find((candidate) => candidate.name === name);
        if (!endpoint) throw new Error(`the lab has no cluster for ${name}`);
        return endpoint;
      };
      const primary = demo.replicas.find((replica) => endpointOf(replica.name).role === "primary");
      if (!primary) throw new Error(`the lab has no primary to name for ${demo.service.id}`);
      return {
        id: demo.service.id,
        name: demo.service.name,
        description: demo.service.description,
        labels: {},
        engine: demo.service.engine,
        primary: primary.name,
        datasets: demo.datasets.map((dataset) => ({ ...dataset })),
        replicas: demo.replicas.map((replica) => {
          const endpoint = endpointOf(replica.name);
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
      };
    }),
  };
}
