import type { Health } from "../fleet/replica-health";
import type { WitnessLink } from "../replication/witness-link";

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
  /** When the control plane last received a report from its agent; null if never. */
  lastReportAt: Date | null;
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

export interface ServiceSnapshot {
  now: Date;
  serviceId: string;
  epoch: number;
  writeReplicaId: string | null;
  replicas: ReplicaSnapshot[];
  datasets: DatasetSnapshot[];
  /** The witness links into the service's replicas, with their times: whether the primary is lost depends on them. */
  witnesses: WitnessLink[];
  /** `staleAfterMs`: heartbeat interval × misses, how long a report stays fresh and a witness must keep failing. */
  policy: { version: number | null; maxLagBytes: number; witnessQuorum: number; staleAfterMs: number };
}
