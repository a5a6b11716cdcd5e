import { formatBytes, formatSeconds } from "../format";
import { type AutomationReplica, type AutomationSnapshot, windowMs } from "./snapshot";

export const DIAGNOSES = [
  "healthy",
  "primary_unreachable_confirmed",
  "primary_unreachable_unconfirmed",
  "standby_lagging",
  "sync_standby_lost",
  "run_in_progress",
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

/**
 * The primary is lost only on agreement (design rule 2): its own agent has
 * been silent for the window, and a quorum of witnesses in other regions,
 * still observing, have failed to reach it without a break for the window.
 * Silence alone means the control plane lost contact, not that the primary died.
 */
function primaryLoss(snapshot: AutomationSnapshot, primary: AutomationReplica, now: Date): Finding | null {
  const window = windowMs(snapshot.policy);
  if (!isSilent(primary, now, window)) return null;
  const silence = primary.lastReportAt
    ? `${primary.name}'s reports stopped ${seconds(now.getTime() - primary.lastReportAt.getTime())} ago (stale after ${seconds(window)})`
    : `${primary.name} has never reported`;
  const observing = snapshot.witnesses.filter(
    (link) => link.toReplicaId === primary.id && link.fromRegionId !== primary.regionId && now.getTime() - link.observedAt.getTime() <= window,
  );
  const reaching = observing.filter((link) => link.reachable).length;
  const confirming = observing.filter(
    (link) => !link.reachable && link.unreachableSince !== null && now.getTime() - link.unreachableSince.getTime() >= window,
  ).length;
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

/** Everything wrong with the service now, or `healthy`; runs first, then the primary, then standbys. */
export function diagnose(snapshot: AutomationSnapshot, now: Date): Finding[] {
  const findings: Finding[] = snapshot.activeRuns.map((run) => ({
    diagnosis: "run_in_progress",
    subject: run.id,
    sentence: `run ${run.id} of ${run.runbookId} is ${run.status}`,
  }));
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
