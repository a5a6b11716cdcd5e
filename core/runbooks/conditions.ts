import type { Condition } from "@/contracts/runbooks";
import { formatBytes } from "../format";
import { primaryLoss } from "../replication/primary-loss";
import { everyCommitWaitsFor, fencedPositionReplayed } from "../replication/rpo-proof";
import { promotionBlockers, residencyViolations } from "./select-candidate";
import type { ReplicaSnapshot, ServiceSnapshot } from "./snapshot";

/** What a run works with: the snapshot and the replicas its parameters resolved to. */
export interface RunContext {
  snapshot: ServiceSnapshot;
  /** The primary when the run started (it keeps this name after the write role moves). */
  primary: ReplicaSnapshot | null;
  target: ReplicaSnapshot | null;
  others: ReplicaSnapshot[];
  /** The fenced primary's final WAL position, once the fence step has reported it. */
  fencedLsn: bigint | null;
}

export type ConditionResult = { holds: boolean; sentence: string } | { pending: string };

const needTarget = (context: RunContext, evaluate: (target: ReplicaSnapshot) => ConditionResult): ConditionResult =>
  context.target ? evaluate(context.target) : { holds: false, sentence: "no target replica" };

/** One evaluator per condition; the Record type makes the compiler prove each is handled. */
export const CONDITION_EVALUATORS: Record<Condition, (context: RunContext) => ConditionResult> = {
  "target-is-standby": (context) =>
    needTarget(context, (target) =>
      target.role === "standby" && target.reportedRole !== "primary"
        ? { holds: true, sentence: `${target.name} is a standby` }
        : { holds: false, sentence: `${target.name} is ${target.reportedRole === "primary" ? "reporting itself as a primary" : `a ${target.role}`}` },
    ),
  "target-streaming": (context) =>
    needTarget(context, (target) =>
      target.walReceiverStatus === "streaming" && target.health !== "stale"
        ? { holds: true, sentence: `${target.name} streams from the primary` }
        : { holds: false, sentence: `${target.name} is not streaming (WAL receiver ${target.walReceiverStatus ?? "absent"}, health ${target.health})` },
    ),
  "target-lag-within-policy": (context) =>
    needTarget(context, (target) => {
      const max = context.snapshot.policy.maxLagBytes;
      if (target.lagBytes === null) return { holds: false, sentence: `${target.name} has reported no lag measurement` };
      return target.lagBytes <= max
        ? { holds: true, sentence: `${target.name} lags ${formatBytes(target.lagBytes)} (policy maximum ${formatBytes(max)})` }
        : { holds: false, sentence: `${target.name} lags ${formatBytes(target.lagBytes)}, over the policy maximum ${formatBytes(max)}` };
    }),
  "target-is-sync-standby": (context) =>
    needTarget(context, (target) =>
      everyCommitWaitsFor(target.syncState)
        ? { holds: true, sentence: `${target.name} is the synchronous standby` }
        : { holds: false, sentence: `${target.name} is not a synchronous standby (${target.syncState ?? "unknown"})` },
    ),
  "residency-allows-target": (context) =>
    needTarget(context, (target) => {
      const violations = residencyViolations(target, context.snapshot.datasets);
      return violations.length
        ? { holds: false, sentence: `residency refuses ${target.regionId}: ${violations.join("; ")}` }
        : { holds: true, sentence: `every dataset may live in ${target.regionId} (${target.jurisdiction})` };
    }),
  "target-promotable": (context) =>
    needTarget(context, (target) => {
      const blockers = promotionBlockers(target, context.snapshot.datasets);
      return blockers.length
        ? { holds: false, sentence: blockers.join("; ") }
        : { holds: true, sentence: `${target.name} can be promoted (lag ${target.lagBytes === null ? "unknown" : formatBytes(target.lagBytes)})` };
    }),
  "primary-reachable": (context) => {
    const primary = context.primary;
    if (!primary) return { holds: false, sentence: "the service has no primary" };
    return primary.reachable === true && primary.health !== "stale" && primary.health !== "unknown"
      ? { holds: true, sentence: `${primary.name} answers its agent` }
      : { holds: false, sentence: `${primary.name} does not answer (health ${primary.health})` };
  },
  "primary-unreachable": (context) => {
    const primary = context.primary;
    if (!primary) return { holds: false, sentence: "the service has no primary" };
    const { snapshot } = context;
    const loss = primaryLoss({
      primary,
      replicas: snapshot.replicas,
      witnesses: snapshot.witnesses,
      windowMs: snapshot.policy.staleAfterMs,
      quorum: snapshot.policy.witnessQuorum,
      now: snapshot.now,
    });
    return { holds: loss.state === "confirmed", sentence: loss.sentence };
  },
  "target-replayed-fenced-lsn": (context) =>
    needTarget(context, (target) => {
      if (context.fencedLsn === null) return { pending: "known once the primary is fenced and reports its final WAL position" };
      if (target.replayedLsn === null) return { holds: false, sentence: `${target.name} has reported no replay position` };
      return fencedPositionReplayed(target.replayedLsn, context.fencedLsn)
        ? { holds: true, sentence: `${target.name} replayed ${target.replayedLsn} ≥ the fenced primary's final ${context.fencedLsn}` }
        : { holds: false, sentence: `${target.name} replayed ${target.replayedLsn}, behind the fenced primary's final ${context.fencedLsn}` };
    }),
};

export function evaluateCondition(condition: Condition, context: RunContext): ConditionResult {
  return CONDITION_EVALUATORS[condition](context);
}
