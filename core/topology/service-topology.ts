import type { PolicyDocument } from "@/contracts/policy";
import type { GrantedLease } from "../replication/lease-lapse";
import type { WitnessLink } from "../replication/witness-link";
import type { DatasetSnapshot, ReplicaSnapshot } from "../runbooks/snapshot";

/**
 * The one read of a service's live topology that every reader derives from:
 * the runbook snapshot (core/topology/runbook-snapshot-of.ts), the
 * automation's (automation-snapshot-of.ts), the alert rules' facts
 * (alert-facts-of.ts) and the service page (server/fleet/service-detail.ts). Read for the whole fleet or for one service in one
 * repeatable-read transaction (server/topology/read-topology.ts), judged with
 * one `now`, LSNs as bigints.
 */
export interface ServiceTopology {
  serviceId: string;
  epoch: number;
  writeReplicaId: string | null;
  datasets: TopologyDataset[];
  replicas: TopologyReplica[];
  /** The witness links into the write replica, with their times: whether the primary is lost depends on them. */
  witnesses: WitnessLink[];
  /** The write replica's lease as the control plane last granted it. */
  primaryLease: GrantedLease | null;
  /** The policy in force for the service (its own or the global default); null on a store never seeded. */
  policy: PolicyInForce | null;
  /** How long a report stays fresh and a witness must keep failing: heartbeat interval × misses, from the policy and the datasets' budgets. */
  staleAfterMs: number;
}

export interface PolicyInForce {
  version: number;
  /** The stored version, for the records of what was decided under it. */
  versionId: string;
  document: PolicyDocument;
}

export interface TopologyDataset extends DatasetSnapshot {
  rpoSeconds: number;
}

export interface ReportedStandby {
  applicationName: string;
  state: string | null;
  syncState: string | null;
}

/** The settings of a replica's latest report that decisions and alert rules read. */
export interface ReportedSettings {
  synchronous_commit: string | null;
  synchronous_standby_names: string | null;
  default_transaction_read_only: string | null;
}

/** The replica's active agent, as the service page shows it. */
export interface TopologyAgent {
  id: string;
  name: string;
  version: string | null;
  lastHeartbeatAt: Date | null;
  clockSkewMs: number | null;
}

/** What only the service page shows of a replica: read when asked for (readTopology's `page`), null otherwise. */
export interface ReplicaPageFacts {
  agent: TopologyAgent | null;
  /** Agent time of the latest report's measurement. */
  observedAt: Date | null;
  timeline: number | null;
  queryLatencyMs: number | null;
  recoveryConflicts: number | null;
  logicalConflicts: number | null;
}

export interface TopologyReplica extends ReplicaSnapshot {
  /** Why its health is not healthy, worst first. */
  reasons: string[];
  page: ReplicaPageFacts | null;
  lagSeconds: number | null;
  /** The primary's write position as it last reported it; for a write replica its agent no longer reaches, what it last said while it did. */
  currentLsn: bigint | null;
  /** What the standby's WAL receiver had flushed as it last reported. */
  flushedLsn: bigint | null;
  /** Whether it refuses writes by default (default_transaction_read_only), as last reported. */
  readOnly: boolean | null;
  /** Its synchronous_standby_names as last reported (a primary's says how many standbys confirm each commit); null if not reported. */
  synchronousStandbyNames: string | null;
  /** As this replica sees its own standbys (pg_stat_replication), as last reported. */
  standbys: ReportedStandby[];
  /** The write replica's replication slots; empty for the other replicas. */
  slots: { name: string; retainedBytes: number | null }[];
  /** Null when the latest report carried no settings. */
  settings: ReportedSettings | null;
}
