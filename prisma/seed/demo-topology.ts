import type { PolicyDocument } from "@/contracts/policy";

/**
 * The demo the lab runs and onboards: two PostgreSQL services, orders-db and
 * payments-db, each across the same three regions of two clouds and two
 * jurisdictions, both with their primary in aws:us-east-1 (so evacuating that
 * region moves more than one service).
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

/**
 * Ports are where the lab listens by default; the lab records the real ones
 * when it starts. Below the kernel's ephemeral range (32768 and up on Linux),
 * whose ports any outgoing connection may hold, and below the range freePort
 * draws from (15000 and up): a cluster the chaos tests or a person stop finds
 * its port free when it starts again.
 */
export const DEMO_REPLICAS = [
  { name: "pg-us-east-1", regionId: "aws:us-east-1", role: "primary", replication: "sync", promotionPriority: 100, port: 14431 },
  { name: "pg-eu-west-1", regionId: "aws:eu-west-1", role: "standby", replication: "sync", promotionPriority: 90, port: 14432 },
  { name: "pg-europe-west3", regionId: "gcp:europe-west3", role: "standby", replication: "async", promotionPriority: 50, port: 14433 },
] as const;

export const DEMO_WRITE_REPLICA = "pg-us-east-1";

const MIB = 1024 * 1024;

/** Thresholds every service gets unless its own policy says otherwise. */
export const GLOBAL_DEFAULT_POLICY: PolicyDocument = {
  heartbeat: { intervalSeconds: 1, missesBeforeUnfit: 5 },
  witness: { quorum: 2 },
  failover: { automatic: true, maxLagBytes: 1 * MIB, cooldownSeconds: 900, cooldownAfterSwitchover: false, errantTransactions: "refuse" },
  datasets: {},
  maintenanceWindows: [],
  alerts: { forSeconds: 30, slotRetainedBytesMax: 1024 * MIB, conflictsPerMinuteMax: 10 },
  approvals: { safetyRelevant: 2, other: 1 },
  drills: { requireApproval: false, approvalExpiresAfterMinutes: 240 },
};

export const DEMO_SERVICE_POLICY: PolicyDocument = {
  ...GLOBAL_DEFAULT_POLICY,
  datasets: {
    orders: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } },
    "order-history": { replication: "async", residency: { jurisdictions: ["EU", "US"], regions: [] } },
  },
};

export interface DemoReplica {
  readonly name: string;
  readonly regionId: string;
  readonly role: "primary" | "standby";
  readonly replication: "sync" | "async";
  readonly promotionPriority: number;
  readonly port: number;
}

export interface DemoDataset {
  readonly name: string;
  readonly ownerTeam: string;
  readonly consistency: "strong" | "eventual";
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
}

/** One demo service: what the store holds of it and the database the lab creates for it. */
export interface DemoService {
  readonly service: { readonly id: string; readonly name: string; readonly description: string; readonly engine: "postgresql" };
  readonly databaseName: string;
  readonly datasets: readonly DemoDataset[];
  /** Replica names are the lab's folder, slot and agent names, so they are unique across services, not only within one. */
  readonly replicas: readonly DemoReplica[];
  readonly writeReplica: string;
  readonly policy: PolicyDocument;
}

export const DEMO_ORDERS: DemoService = {
  service: DEMO_SERVICE,
  databaseName: "orders",
  datasets: DEMO_DATASETS,
  replicas: DEMO_REPLICAS,
  writeReplica: DEMO_WRITE_REPLICA,
  policy: DEMO_SERVICE_POLICY,
};

export const DEMO_PAYMENTS: DemoService = {
  service: {
    id: "payments-db",
    name: "Payments database",
    description: "PostgreSQL cluster holding payments (strong) and payment events (eventual); primary in the same region as orders-db.",
    engine: "postgresql",
  },
  databaseName: "payments",
  datasets: [
    { name: "payments", ownerTeam: "payments", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 },
    { name: "payment-events", ownerTeam: "payments", consistency: "eventual", rpoSeconds: 60, rtoSeconds: 900 },
  ],
  replicas: [
    { name: "pay-us-east-1", regionId: "aws:us-east-1", role: "primary", replication: "sync", promotionPriority: 100, port: 14434 },
    { name: "pay-eu-west-1", regionId: "aws:eu-west-1", role: "standby", replication: "sync", promotionPriority: 90, port: 14435 },
    { name: "pay-europe-west3", regionId: "gcp:europe-west3", role: "standby", replication: "async", promotionPriority: 50, port: 14436 },
  ],
  writeReplica: "pay-us-east-1",
  policy: {
    ...GLOBAL_DEFAULT_POLICY,
    datasets: {
      payments: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } },
      "payment-events": { replication: "async", residency: { jurisdictions: ["EU", "US"], regions: [] } },
    },
  },
};

/** Every demo service, orders-db first: where a region alone must name one replica, it names orders-db's. */
export const DEMO_SERVICES: readonly DemoService[] = [DEMO_ORDERS, DEMO_PAYMENTS];

export function demoService(id: string): DemoService {
  const found = DEMO_SERVICES.find((candidate) => candidate.service.id === id);
  if (!found) throw new Error(`unknown demo service "${id}"; the lab has ${DEMO_SERVICES.map((candidate) => candidate.service.id).join(", ")}`);
  return found;
}
