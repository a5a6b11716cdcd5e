import { votes, votingLinks } from "../fleet/witness-votes";
import { formatBytes, formatSeconds } from "../format";
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

function isSilent(replica: AutomationReplica, now: Date, window: number): boolean {
  return replica.lastReportAt === null || now.getTime() - replica.lastReportAt.getTime() > window;
}

/** Nothing fresh from the server itself: its agent is silent, or says the server does not answer. */
function unheard(replica: AutomationReplica, now: Date, window: number): string | null {
  if (replica.lastReportAt === null) return `${replica.name} has never reported`;
  if (isSilent(replica, now, window)) return `${replica.name}'s reports stopped ${seconds(now.getTime() - replica.lastReportAt.getTime())} ago (stale after ${seconds(window)})`;
  if (replica.reachable === false) return `${replica.name}'s agent reports that it does not answer`;
  return null;
}

/**
 * The primary is lost only on agreement (design rule "unfit-only-on-agreement"): nothing fresh from
 * the server itself (its agent silent for the window, or saying the server
 * does not answer), and a quorum of witnesses in other regions,
 * still observing, have failed to reach it without a break for the window.
 * Silence alone means the control plane lost contact, not that the primary died.
 * Only links that may vote count (core/fleet/witness-votes), one vote per region.
 */
function primaryLoss(snapshot: AutomationSnapshot, primary: AutomationReplica, now: Date): Finding | null {
  const window = windowMs(snapshot.policy);
  const silence = unheard(primary, now, window);
  if (silence === null) return null;
  const observing = votingLinks(snapshot.witnesses, primary, snapshot.replicas).filter((link) => now.getTime() - link.observedAt.getTime() <= window);
  const reaching = votes(observing.filter((link) => link.reachable));
  const confirming = votes(
    observing.filter((link) => !link.reachable && link.unreachableSince !== null && now.getTime() - link.unreachableSince.getTime() >= window),
  );
  const quorum = snapshot.policy.witnessQuorum;
  if (reaching > 0) {
    return {
      diagnosis: "primary_unreachable_unconfirmed",
      subject: primary.id,
      sentence: `${silence}, but ${reaching} witness${reaching === 1 ? "" : "es"} in other regions still reach${reaching === 1 ? "es" : ""} it: the control plane lost contact with its agent`,
    };
  }
  if (confirming < quorum) {
    return {
      diagnosis: "primary_unreachable_unconfirmed",
      subject: primary.id,
      sentence: `${silence}, but only ${confirming} of the ${quorum} witnesses in other regions the quorum needs have failed to reach it for ${seconds(window)}`,
    };
  }
  return {
    diagnosis: "primary_unreachable_confirmed",
    subject: primary.id,
    sentence: `${silence}, and ${confirming} witnesses in other regions (quorum ${quorum}) have failed to reach it for at least ${seconds(window)}`,
  };
}

/** A sync standby is configured but the primary, reporting in time, lists none as synchronous. */
function syncStandbyLost(snapshot: AutomationSnapshot, primary: AutomationReplica): Finding | null {
  const configured = snapshot.replicas.filter((replica) => replica.role === "standby" && replica.replication === "sync");
  if (configured.length === 0 || snapshot.replicas.some((replica) => replica.syncState === "sync")) return null;
  return {
    diagnosis: "sync_standby_lost",
    subject: primary.id,
    sentence: `${primary.name} has no synchronous standby connected (expected ${configured.map((replica) => replica.name).join(", ")}): commits on strong datasets wait and RPO 0 is at risk`,
  };
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
    const loss = primaryLoss(snapshot, primary, now);
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
