import { DEMO_SERVICES, type DemoService } from "@/prisma/seed/demo-topology";

export const LAB_HOST = "127.0.0.1";
export const LAB_SUPERUSER = "postgres";

type Settings = Record<string, string | number | boolean>;

export interface LabReplica {
  name: string;
  regionId: string;
  serviceId: string;
  /** Role in the seeded topology; who is primary now is in the lab state. */
  seededRole: "primary" | "standby";
  replication: "sync" | "async";
  preferredPort: number;
  /** Physical slot the primary keeps for this replica while it is a standby. */
  slotName: string;
}

/**
 * The workload's tables in a service's database: `strong` holds one row per
 * acknowledged write (the ledger is checked against it), `events` one row per
 * write too, referencing it by `reference` (a duplicate there is a write done twice).
 */
export interface WorkloadTables {
  strong: string;
  events: string;
  reference: string;
}

export interface LabService {
  id: string;
  database: string;
  tables: WorkloadTables;
  replicas: readonly LabReplica[];
  /** Server settings on top of the common ones (settings.ts). */
  settings: Settings;
}

/** Slot names allow only [a-z0-9_]. */
export function slotNameFor(replicaName: string): string {
  return replicaName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/**
 * payments-db is the second service: small memory and WAL settings keep six
 * clusters (and their agents) light on a 2-core machine; orders-db keeps
 * PostgreSQL's defaults, which the lab's benchmarks were measured with.
 */
const SERVICE_DETAILS: Record<string, { tables: WorkloadTables; settings: Settings }> = {
  "orders-db": { tables: { strong: "orders", events: "order_history", reference: "order_id" }, settings: {} },
  "payments-db": {
    tables: { strong: "payments", events: "payment_events", reference: "payment_id" },
    settings: { shared_buffers: "16MB", max_connections: 20, max_wal_senders: 5, max_replication_slots: 5, wal_buffers: "1MB", min_wal_size: "32MB", max_wal_size: "64MB", work_mem: "1MB", maintenance_work_mem: "16MB" },
  },
};

function labServiceOf(demo: DemoService): LabService {
  const details = SERVICE_DETAILS[demo.service.id];
  if (!details) throw new Error(`the lab has no tables for ${demo.service.id}`);
  return {
    id: demo.service.id,
    database: demo.databaseName,
    ...details,
    replicas: demo.replicas.map((replica) => ({
      name: replica.name,
      regionId: replica.regionId,
      serviceId: demo.service.id,
      seededRole: replica.role,
      replication: replica.replication,
      preferredPort: replica.port,
      slotName: slotNameFor(replica.name),
    })),
  };
}

/** The lab runs the seeded demo services, so the control plane and the lab agree on names. */
export const LAB_SERVICES: readonly LabService[] = DEMO_SERVICES.map(labServiceOf);

/** The first service (orders-db): the one a bare region id names, and the one the older single-service lab ran. */
export const LAB_SERVICE_ID = LAB_SERVICES[0]!.id;
export const LAB_DATABASE = LAB_SERVICES[0]!.database;

export const LAB_REPLICAS: readonly LabReplica[] = LAB_SERVICES.flatMap((service) => service.replicas);

export function labService(id: string): LabService {
  const service = LAB_SERVICES.find((candidate) => candidate.id === id);
  if (!service) throw new Error(`unknown service "${id}"; the lab has ${LAB_SERVICES.map((candidate) => candidate.id).join(", ")}`);
  return service;
}

/** The services named, in the lab's order; every one when none is. */
export function labServices(ids?: readonly string[]): LabService[] {
  if (!ids) return [...LAB_SERVICES];
  const wanted = new Set(ids.map((id) => labService(id).id));
  return LAB_SERVICES.filter((service) => wanted.has(service.id));
}

export function serviceOf(replica: LabReplica): LabService {
  return labService(replica.serviceId);
}

export function seededPrimary(serviceId: string = LAB_SERVICE_ID): LabReplica {
  const primary = labService(serviceId).replicas.find((replica) => replica.seededRole === "primary");
  if (!primary) throw new Error(`the demo topology has no primary replica for ${serviceId}`);
  return primary;
}

function unknownRegion(nameOrRegion: string): Error {
  const known = LAB_REPLICAS.map((candidate) => `${candidate.regionId} (${candidate.name})`).join(", ");
  return new Error(`unknown region "${nameOrRegion}"; the lab has ${known}`);
}

/**
 * Accepts a replica name (`pg-eu-west-1`, `pay-eu-west-1`) or a region id
 * (`aws:eu-west-1`), which names the given service's replica there (orders-db's by default).
 */
export function findReplica(nameOrRegion: string, serviceId: string = LAB_SERVICE_ID): LabReplica {
  const byName = LAB_REPLICAS.find((candidate) => candidate.name === nameOrRegion);
  if (byName) return byName;
  const inRegion = labService(serviceId).replicas.find((candidate) => candidate.regionId === nameOrRegion);
  if (!inRegion) throw unknownRegion(nameOrRegion);
  return inRegion;
}

/** A region id names every service's replica in it (a region loss); a replica name, that replica alone. */
export function replicasIn(nameOrRegion: string): LabReplica[] {
  const byName = LAB_REPLICAS.find((candidate) => candidate.name === nameOrRegion);
  if (byName) return [byName];
  const inRegion = LAB_REPLICAS.filter((candidate) => candidate.regionId === nameOrRegion);
  if (!inRegion.length) throw unknownRegion(nameOrRegion);
  return inRegion;
}

/** The standbys the given primary waits for on commit: its service's sync replicas other than itself. */
export function synchronousStandbysOf(primaryName: string): LabReplica[] {
  const primary = findReplica(primaryName);
  return serviceOf(primary).replicas.filter((replica) => replica.name !== primary.name && replica.replication === "sync");
}
