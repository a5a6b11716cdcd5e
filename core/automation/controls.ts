import { formatSeconds } from "../format";
import { writeReplicaLapse } from "./lease-lapse";
import type { AutomationControls, AutomationPolicy, AutomationSnapshot } from "./snapshot";

// Each answers why automatic action is held back now (null: it is not); the rules table orders them.

export function pauseSentence({ controls }: { controls: AutomationControls }, now: Date): string | null {
  const paused = controls.paused;
  if (!paused || (paused.until !== null && paused.until <= now)) return null;
  return `automation is paused (${paused.reason})${paused.until ? ` until ${paused.until.toISOString()}` : ""}; detection and alerts only`;
}

export function automaticOffSentence({ policy }: AutomationSnapshot): string | null {
  if (policy.automatic) return null;
  return `automatic failover is off in policy ${policy.version === null ? "(none)" : `v${policy.version}`}`;
}

/**
 * After a failover, automatic failover waits out the cooldown (design rule 3)
 * unless a person has acknowledged that failover since it happened.
 */
export function cooldownSentence({ controls, policy }: { controls: AutomationControls; policy: Pick<AutomationPolicy, "cooldownSeconds"> }, now: Date): string | null {
  const sinceFailover = controls.lastFailoverAt ? new Date(controls.lastFailoverAt.getTime() + policy.cooldownSeconds * 1000) : null;
  const ends = [controls.cooldownUntil, sinceFailover].filter((end): end is Date => end !== null && end > now);
  if (ends.length === 0) return null;
  const acknowledged = controls.acknowledgedAt !== null && (controls.lastFailoverAt === null || controls.acknowledgedAt >= controls.lastFailoverAt);
  if (acknowledged) return null;
  const until = new Date(Math.max(...ends.map((end) => end.getTime())));
  const after = controls.lastFailoverAt ? ` after the failover at ${controls.lastFailoverAt.toISOString()}` : "";
  return `automatic failover is cooling down${after} until ${until.toISOString()} (cooldown ${formatSeconds(policy.cooldownSeconds)}); a person must acknowledge to allow it sooner`;
}

export function runSentence({ activeRuns }: AutomationSnapshot): string | null {
  const run = activeRuns[0];
  return run ? `run ${run.id} of ${run.runbookId} is ${run.status}; automation does not start another` : null;
}

/**
 * Another replica is promoted only once the old primary's self-fencing lease
 * has lapsed, margin included (design rule 4): until then it may still take writes.
 */
export function leaseSentence(snapshot: AutomationSnapshot, now: Date): string | null {
  const found = writeReplicaLapse(snapshot, now);
  if (!found) return null;
  const { lapse } = found;
  if (lapse.lapsesAt !== null && lapse.lapsesAt <= now) return null;
  return lapse.lapsesAt === null ? `${lapse.sentence}; nothing is promoted until it lapses` : `waiting: ${lapse.sentence}`;
}
