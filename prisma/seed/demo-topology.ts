import type { PolicyDocument } from "@/contracts/policy";

/**
 * The demo a fresh store starts with: one PostgreSQL service across two clouds
 * and two jurisdictions, matching what the lab runs.
 */
export const DEMO_REGIONS = [
  { id: "aws:us-east-1", cloud: "aws", code: "us-east-1", jurisdiction: "US", displayName: "AWS N. Virginia" },
  { id: "aws:eu-west-1", cloud: "aws", code: "eu-west-1", jurisdiction: "EU", displayName: "AWS Ireland" },
  { id: "gcp:europe-west3", cloud: "gcp", code: "europe-west3", jurisdiction: "EU", displayName: "GCP Frankfurt" },
] as const;

export const DEMO_SERVICE = {
  id: "orders-db",
  name: "Orders database",
  description: "PostgreSQL cluster holding orders (strong) and order history (eventual).",
  engine: "postgresql",
} as const;

export const DEMO_DATASETS = [
  { name: "orders", ownerTeam: "checkout", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 },
  { name: "order-history", ownerTeam: "analytics", consistency: "eventual", rpoSeconds: 30, rtoSeconds: 600 },
] as const;

/** Ports are where the lab listens by default; the lab records the real ones when it starts. */
export const DEMO_REPLICAS = [
  { name: "pg-us-east-1", regionId: "aws:us-east-1", role: "primary", replication: "sync", promotionPriority: 100, port: 55431 },
  { name: "pg-eu-west-1", regionId: "aws:eu-west-1", role: "standby", replication: "sync", promotionPriority: 90, port: 55432 },
  { name: "pg-europe-west3", regionId: "gcp:europe-west3", role: "standby", replication: "async", promotionPriority: 50, port: 55433 },
] as const;

export const DEMO_WRITE_REPLICA = "pg-us-east-1";

const MIB = 1024 * 1024;

/** Thresholds every service gets unless its own policy says otherwise. */
export const GLOBAL_DEFAULT_POLICY: PolicyDocument = {
  heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 5 },
  witness: { quorum: 2 },
  failover: { automatic: true, maxLagBytes: 1 * MIB, cooldownSeconds: 900, cooldownAfterSwitchover: false },
  datasets: {},
  maintenanceWindows: [],
  alerts: { forSeconds: 30, slotRetainedBytesMax: 1024 * MIB, conflictsPerMinuteMax: 10 },
  approvals: { safetyRelevant: 2, other: 1 },
};

export const DEMO_SERVICE_POLICY: PolicyDocument = {
  ...GLOBAL_DEFAULT_POLICY,
  datasets: {
    orders: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } },
    "order-history": { replication: "async", residency: { jurisdictions: ["EU", "US"], regions: [] } },
  },
};
