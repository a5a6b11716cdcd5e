import type { AgentReport } from "@/contracts/agent-reports";
import type { PolicyDocument } from "@/contracts/policy";
import { rpoBudgetSeconds, stalenessWindowMs } from "../policy/budgets";
import { evaluateReplicaHealth, type HealthVerdict, type ReplicaObservation } from "./replica-health";

/** What a service's effective policy and datasets set for judging its replicas. */
export interface ServiceBudgets {
  /** Reports older than this are stale: the policy's heartbeat interval × misses before unfit. */
  staleAfterMs: number;
  /** The policy's maximum lag for automatic failover; null without a policy. */
  maxLagBytes: number | null;
  /** The tightest non-zero RPO budget of the service's eventual datasets, if any. */
  rpoSeconds: number | null;
}

// What a service without any effective policy is judged by: an agent's default interval and the seeded misses.
const DEFAULT_HEARTBEAT = { intervalSeconds: 1, missesBeforeUnfit: 5 };

export function serviceBudgets(
  policy: Pick<PolicyDocument, "heartbeat" | "failover"> | undefined,
  datasets: readonly { consistency: "strong" | "eventual"; rpoSeconds: number }[],
): ServiceBudgets {
  return {
    staleAfterMs: stalenessWindowMs(policy?.heartbeat ?? DEFAULT_HEARTBEAT),
    maxLagBytes: policy?.failover.maxLagBytes ?? null,
    rpoSeconds: rpoBudgetSeconds(datasets),
  };
}

/** A replica's stored latest state, as far as judging it needs. */
export interface StoredReplicaState {
  receivedAt: Date;
  reachable: boolean;
  role: "primary" | "standby" | "witness" | null;
  lagBytes: bigint | number | null;
  lagSeconds: number | null;
}

/** What judging reads of a report, once taken out of it (a reader of thousands of reports may take it out in SQL). */
export interface ReportFacts {
  error: string | null;
  walReceiverStatus: string | null;
  synchronousStandbyNames: string | null;
  standbys: ReplicaObservation["standbys"];
}

export function reportFacts(report: Pick<AgentReport, "error" | "walReceiver" | "settings" | "standbys"> | undefined): ReportFacts {
  return {
    error: report?.error ?? null,
    walReceiverStatus: report?.walReceiver?.status ?? null,
    synchronousStandbyNames: report?.settings.synchronous_standby_names ?? null,
    standbys: report?.standbys ?? [],
  };
}

/** What judging reads from a latest state and the facts of the report it came from. */
export function observationFrom(state: StoredReplicaState, facts: ReportFacts): ReplicaObservation {
  return {
    receivedAt: state.receivedAt,
    reachable: state.reachable,
    error: facts.error,
    role: state.role === "witness" ? null : state.role,
    lagBytes: state.lagBytes === null ? null : Number(state.lagBytes),
    lagSeconds: state.lagSeconds,
    walReceiverStatus: facts.walReceiverStatus,
    synchronousStandbyNames: facts.synchronousStandbyNames,
    standbys: facts.standbys,
  };
}

/** What judging reads from a latest state and the report it came from. */
export function observationOf(state: StoredReplicaState, report: Pick<AgentReport, "error" | "walReceiver" | "settings" | "standbys"> | undefined): ReplicaObservation {
  return observationFrom(state, reportFacts(report));
}

/**
 * Judges one replica of a service the same way wherever it is shown (service
 * page, fleet overview, regions), so the two never disagree about a replica.
 */
export function judgeReplica(
  expectedRole: "primary" | "standby" | "witness",
  observation: ReplicaObservation | null,
  budgets: ServiceBudgets,
  now: Date,
): HealthVerdict {
  return evaluateReplicaHealth(observation, {
    now,
    staleAfterMs: budgets.staleAfterMs,
    maxLagBytes: budgets.maxLagBytes ?? Number.MAX_SAFE_INTEGER,
    rpoSeconds: budgets.rpoSeconds,
    expectedRole,
  });
}
