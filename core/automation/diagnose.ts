import { formatBytes, formatSeconds } from "../format";
import { isSilent, primaryLoss } from "../replication/primary-loss";
import { synchronousReplication } from "../replication/synchronous-replication";
import { type AutomationReplica, type AutomationSnapshot, windowMs } from "./snapshot";

export const DIAGNOSES = [
  "healthy",
  "primary_unreachable_confirmed",
  "primary_unreachable_unconfirmed",
  "standby_lagging",
  "sync_standby_lost",
  "run_in_progress",
  "former_primary",
] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];

/** One thing detection found, about one replica (or run) when it is about one. */
export interface Finding {
  diagnosis: Diagnosis;
  subject: string | null;
  sentence: string;
}

const seconds = (ms: number) => formatSeconds(Math.round(ms / 100) / 10);

/** A lost primary (core/replication/primary-loss), as a finding; null while it is heard. */
function primaryLossFinding(snapshot: AutomationSnapshot, primary: AutomationReplica, now: Date): Finding | null {
  const { policy } = snapshot;
  const loss = primaryLoss({ primary, replicas: snapshot.replicas, witnesses: snapshot.witnesses, windowMs: windowMs(policy), quorum: policy.witnessQuorum, now });
  if (loss.state === "heard") return null;
  const diagnosis = loss.state === "confirmed" ? "primary_unreachable_confirmed" : "primary_unreachable_unconfirmed";
  return { diagnosis, subject: primary.id, sentence: loss.sentence };
}

/**
 * The topology names synchronous standbys, but the primary, reporting in
 * time, has fewer confirming its commits than its synchronous_standby_names
 * asks for (core/replication/synchronous-replication), or names none.
 */
function syncStandbyLost(snapshot: AutomationSnapshot, primary: AutomationReplica): Finding | null {
  const configured = snapshot.replicas.filter((replica) => replica.role === "standby" && replica.replication === "sync");
  if (configured.length === 0) return null;
  // Each standby's sync state is the primary's word (pg_stat_replication); the snapshot does not carry the walsender's state.
  const listed = snapshot.replicas.filter((replica) => replica.id !== primary.id).map((replica) => ({ name: replica.name, state: null, syncState: replica.syncState }));
  const sync = synchronousReplication({ synchronousStandbyNames: primary.synchronousStandbyNames, standbys: listed });
  if (sync.state === "confirmed") return null;
  const expected = `expected ${configured.map((replica) => replica.name).join(", ")}`;
  const sentence =
    sync.state === "off"
      ? `${primary.name} names no synchronous standby (${expected}): commits on strong datasets do not wait for any standby, so RPO 0 is not guaranteed`
      : sync.confirming.length === 0
        ? `${primary.name} has no synchronous standby connected (${expected}): commits on strong datasets wait and RPO 0 is at risk`
        : `${primary.name} has ${sync.confirming.length} of the ${sync.needed} synchronous standbys its synchronous_standby_names needs connected ` +
          `(${sync.confirming.join(", ")}; ${expected}): commits on strong datasets wait and RPO 0 is at risk`;
  return { diagnosis: "sync_standby_lost", subject: primary.id, sentence };
}

function lagging(snapshot: AutomationSnapshot, now: Date): Finding[] {
  const window = windowMs(snapshot.policy);
  const max = snapshot.policy.maxLagBytes;
  return snapshot.replicas
    .filter((replica) => replica.role === "standby" && !isSilent(replica, now, window) && replica.lagBytes !== null && replica.lagBytes > max)
    .map((replica) => ({
      diagnosis: "standby_lagging" as const,
      subject: replica.id,
      sentence: `${replica.name} lags ${formatBytes(replica.lagBytes ?? 0)}, beyond the ${formatBytes(max)} the policy allows for automatic failover`,
    }));
}

/**
 * A replica the route no longer points at that reports itself a primary: a
 * former primary back from the dead (or never told). It must be fenced before
 * anything else, and reinstated by a person.
 */
function formerPrimaries(snapshot: AutomationSnapshot, now: Date): Finding[] {
  const window = windowMs(snapshot.policy);
  return snapshot.replicas
    .filter((replica) => replica.id !== snapshot.writeReplicaId && replica.reportedRole === "primary" && replica.reachable === true && !isSilent(replica, now, window))
    .map((replica) => ({
      diagnosis: "former_primary" as const,
      subject: replica.id,
      sentence: `${replica.name} reports itself a primary${replica.readOnly === true ? " (read-only)" : " accepting writes"}, but the write route points at ${snapshot.replicas.find((r) => r.id === snapshot.writeReplicaId)?.name ?? "no replica"} (epoch ${snapshot.epoch})`,
    }));
}

/** Everything wrong with the service now, or `healthy`; runs first, then former primaries, the primary, standbys. */
export function diagnose(snapshot: AutomationSnapshot, now: Date): Finding[] {
  const findings: Finding[] = snapshot.activeRuns.map((run) => ({
    diagnosis: "run_in_progress",
    subject: run.id,
    sentence: `run ${run.id} of ${run.runbookId} is ${run.status}`,
  }));
  // A run moves the write role in steps (its target is a primary before the route follows): it judges roles, not us.
  if (findings.length === 0) findings.push(...formerPrimaries(snapshot, now));
  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId);
  if (primary) {
    const loss = primaryLossFinding(snapshot, primary, now);
    const syncLost = loss ? null : syncStandbyLost(snapshot, primary);
    if (loss) findings.push(loss);
    if (syncLost) findings.push(syncLost);
  }
  findings.push(...lagging(snapshot, now));
  if (findings.length > 0) return findings;
  return [
    {
      diagnosis: "healthy",
      subject: null,
      sentence: `the primary reports within ${seconds(windowMs(snapshot.policy))} and no standby lags beyond ${formatBytes(snapshot.policy.maxLagBytes)}`,
    },
  ];
}
