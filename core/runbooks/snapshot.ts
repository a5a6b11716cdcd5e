import type { Health } from "../fleet/replica-health";

/** Everything a plan or a step looks at, read in one go with one `now`. */
export interface ReplicaSnapshot {
  id: string;
  name: string;
  regionId: string;
  jurisdiction: string;
  role: "primary" | "standby" | "witness";
  replication: "sync" | "async";
  promotionPriority: number;
  noPromote: boolean;
  hasAgent: boolean;
  health: Health;
  reachable: boolean | null;
  reportedRole: "primary" | "standby" | null;
  walReceiverStatus: string | null;
  syncState: string | null;
  lagBytes: number | null;
  replayedLsn: bigint | null;
}

export interface DatasetSnapshot {
  name: string;
  consistency: "strong" | "eventual";
  residency: { jurisdictions: string[]; regions: string[] } | null;
}

export interface WitnessSnapshot {
  fromReplicaId: string;
  toReplicaId: string;
  fromRegionId: string;
  reachable: boolean;
}

export interface ServiceSnapshot {
  now: Date;
  serviceId: string;
  epoch: number;
  writeReplicaId: string | null;
  replicas: ReplicaSnapshot[];
  datasets: DatasetSnapshot[];
  witnesses: WitnessSnapshot[];
  policy: { version: number | null; maxLagBytes: number; witnessQuorum: number };
}
