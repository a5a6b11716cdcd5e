import type { PolicyDocument } from "@/contracts/policy";
import type { FleetService } from "@/contracts/topology";
import { NOTHING_RETIRED, type TopologyState } from "./topology-rules";

/** The demo topology as the live fleet, for topology tests: orders-db across two clouds and two jurisdictions. */
export function demoFleet(): TopologyState {
  return {
    regions: [
      { cloud: "aws", code: "us-east-1", jurisdiction: "US", displayName: "AWS N. Virginia" },
      { cloud: "aws", code: "eu-west-1", jurisdiction: "EU", displayName: "AWS Ireland" },
      { cloud: "gcp", code: "europe-west3", jurisdiction: "EU", displayName: "GCP Frankfurt" },
    ],
    services: [ordersDb()],
    retired: NOTHING_RETIRED,
  };
}

export function ordersDb(): FleetService {
  const replica = (name: string, region: string, port: number, replication: "sync" | "async", promotionPriority: number) => ({
    name,
    region,
    host: "127.0.0.1",
    port,
    database: "orders",
    replication,
    promotionPriority,
    noPromote: false,
    witnessOnly: false,
  });
  return {
    id: "orders-db",
    name: "Orders database",
    description: "PostgreSQL cluster holding orders (strong) and order history (eventual).",
    engine: "postgresql",
    primary: "pg-us-east-1",
    datasets: [
      { name: "orders", ownerTeam: "checkout", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 },
      { name: "order-history", ownerTeam: "analytics", consistency: "eventual", rpoSeconds: 30, rtoSeconds: 600 },
    ],
    replicas: [
      replica("pg-us-east-1", "aws:us-east-1", 55431, "sync", 100),
      replica("pg-eu-west-1", "aws:eu-west-1", 55432, "sync", 90),
      replica("pg-europe-west3", "gcp:europe-west3", 55433, "async", 50),
    ],
  };
}

/** The demo service's policy: both datasets may live in the EU or the US. */
export const ORDERS_POLICY: PolicyDocument = {
  heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 5 },
  witness: { quorum: 2 },
  failover: { automatic: true, maxLagBytes: 1024 * 1024, cooldownSeconds: 900, cooldownAfterSwitchover: false },
  datasets: {
    orders: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } },
    "order-history": { replication: "async", residency: { jurisdictions: ["EU", "US"], regions: [] } },
  },
  maintenanceWindows: [],
  alerts: { forSeconds: 30, slotRetainedBytesMax: 1024 * 1024 * 1024, conflictsPerMinuteMax: 10 },
  approvals: { safetyRelevant: 2, other: 1 },
};
