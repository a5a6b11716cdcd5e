import { DEMO_REPLICAS, DEMO_SERVICE } from "@/prisma/seed/demo-topology";

/** The lab runs exactly the seeded demo topology, so the control plane and the lab agree on names. */
export const LAB_SERVICE_ID = DEMO_SERVICE.id;
export const LAB_DATABASE = "orders";
export const LAB_HOST = "127.0.0.1";
export const LAB_SUPERUSER = "postgres";

export interface LabReplica {
  name: string;
  regionId: string;
  /** Role in the seeded topology; who is primary now is in the lab state. */
  seededRole: "primary" | "standby";
  replication: "sync" | "async";
  preferredPort: number;
  /** Physical slot the primary keeps for this replica while it is a standby. */
  slotName: string;
}

/** Slot names allow only [a-z0-9_]. */
export function slotNameFor(replicaName: string): string {
  return replicaName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

export const LAB_REPLICAS: readonly LabReplica[] = DEMO_REPLICAS.map((replica) => ({
  name: replica.name,
  regionId: replica.regionId,
  seededRole: replica.role,
  replication: replica.replication,
  preferredPort: replica.port,
  slotName: slotNameFor(replica.name),
}));

export function seededPrimary(): LabReplica {
  const primary = LAB_REPLICAS.find((replica) => replica.seededRole === "primary");
  if (!primary) throw new Error("the demo topology has no primary replica");
  return primary;
}

/** Accepts a replica name (`pg-eu-west-1`) or a region id (`aws:eu-west-1`). */
export function findReplica(nameOrRegion: string): LabReplica {
  const replica = LAB_REPLICAS.find((candidate) => candidate.name === nameOrRegion || candidate.regionId === nameOrRegion);
  if (!replica) {
    const known = LAB_REPLICAS.map((candidate) => `${candidate.regionId} (${candidate.name})`).join(", ");
    throw new Error(`unknown region "${nameOrRegion}"; the lab has ${known}`);
  }
  return replica;
}

/** The standbys the given primary waits for on commit: the topology's sync replicas other than itself. */
export function synchronousStandbysOf(primaryName: string): LabReplica[] {
  return LAB_REPLICAS.filter((replica) => replica.name !== primaryName && replica.replication === "sync");
}
