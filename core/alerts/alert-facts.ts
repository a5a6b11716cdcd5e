import type { PolicyDocument } from "@/contracts/policy";
import type { AuditTrailFacts } from "../audit/publication-health";
import { stalenessWindowMs } from "../policy/budgets";
import { isSilent } from "../replication/primary-loss";

/** What alert rules look at for one replica: its recorded place in the topology and its latest report. */
export interface ReplicaFacts {
  id: string;
  name: string;
  /** The role the topology records (the write route's replica is the primary). */
  role: "primary" | "standby" | "witness";
  hasAgent: boolean;
  /** Control-plane time of the latest report; null when it never reported. */
  lastReportAt: Date | null;
  /** Whether the agent could reach its replica in the latest report. */
  reachable: boolean | null;
  reportedRole: "primary" | "standby" | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  /** As the write primary sees its standbys (pg_stat_replication); empty for the other replicas, where no rule reads them. */
  standbys: { applicationName: string; state: string | null; syncState: string | null }[];
  /** The write primary's replication slots; empty for the other replicas. */
  slots: { name: string; retainedBytes: number | null }[];
  settings: { synchronous_commit: string | null; synchronous_standby_names: string | null; default_transaction_read_only: string | null } | null;
  /** Recovery plus logical conflicts over the last minute; null when unknown. */
  conflictsPerMinute: number | null;
}

/** One service as the alert rules see it, with the policy in effect for it. */
export interface ServiceFacts {
  id: string;
  policy: PolicyDocument;
  policyVersion: number | null;
  writeReplicaId: string | null;
  /** A dataset is `strong`, or the policy sets a dataset's replication to `sync`: acknowledged writes must be on a synchronous standby. */
  strong: boolean;
  /** The tightest RPO budget of the eventual datasets; null when none has one. */
  rpoSeconds: number | null;
  replicas: ReplicaFacts[];
  /** What the automation's decider holds back or hands to a person now (blocked failovers, guided runs it opened). */
  automationHolds: { ruleId: string; sentence: string }[];
  /** Why automatic failover is not being decided for the service now (core/loops/loop-stall.ts); null while it is. */
  notDecided: string | null;
  /**
   * Scheduled runs the control plane refused at their time in the last day,
   * that nobody has followed with another run on the service since (started
   * or scheduled): the planned work did not happen.
   */
  /** Refused scheduled runs, and region evacuation plans refused at their time (one entry on each of their services). */
  refusedScheduledRuns: { kind: "run" | "plan"; id: string; what: string; scheduledAt: Date; error: string }[];
  /** The audit trail's state, the same for every service (alerts belong to a service). */
  auditTrail: AuditTrailFacts;
  /** The latest finished drill when it failed, and the repeating drills that are overdue (core/drills/drill-schedule.ts); none when absent. */
  drills?: DrillFacts;
}

export interface DrillFacts {
  failed: { id: string; sentence: string } | null;
  overdue: { scheduleId: string; sentence: string }[];
}

/** Reports older than this are stale: the policy's heartbeat interval times the misses it tolerates. */
export function staleAfterMs(policy: PolicyDocument): number {
  return stalenessWindowMs(policy.heartbeat);
}

export function isFresh(replica: ReplicaFacts, policy: PolicyDocument, now: Date): boolean {
  return !isSilent(replica, now, staleAfterMs(policy));
}
