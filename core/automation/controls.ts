import { formatSeconds } from "../format";
import { maintenanceLabel, windowInForce } from "../policy/maintenance-windows";
import { writeReplicaLapse } from "./lease-lapse";
import type { Promotion } from "./promotion";
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
 * A maintenance window in force holds automatic failover (design rule "deliberate-changes-keep-protection": an
 * approved window acts): someone is working on the service, and a primary
 * they stop on purpose must not be failed over behind their back. A window
 * may keep automatic failover armed instead.
 */
export function maintenanceHoldSentence({ policy }: { policy: Pick<AutomationPolicy, "maintenanceWindows"> }, now: Date): string | null {
  const window = windowInForce(policy.maintenanceWindows, now);
  if (!window || window.automaticFailover === "armed") return null;
  return `the ${maintenanceLabel(window)} holds automatic failover: a person decides whether to fail over`;
}

type CooldownPolicy = Pick<AutomationPolicy, "cooldownSeconds" | "cooldownAfterSwitchover">;

/**
 * The promotion a cooldown runs from: the newest failover, or the newest
 * planned switchover if it is newer and the policy has switchovers start the
 * cooldown too. By default a switchover a person ran on purpose leaves
 * automatic failover armed (design rule "deliberate-changes-keep-protection"); the cooldown is against flapping
 * after failovers.
 */
export function cooldownStart<P extends { at: Date }>(
  lastPromotions: Record<Promotion, P | null>,
  policy: Pick<CooldownPolicy, "cooldownAfterSwitchover">,
): (P & { promotion: Promotion }) | null {
  const failover = lastPromotions.unplanned && { ...lastPromotions.unplanned, promotion: "unplanned" as const };
  const switchover = policy.cooldownAfterSwitchover && lastPromotions.planned ? { ...lastPromotions.planned, promotion: "planned" as const } : null;
  if (!failover || !switchover) return failover ?? switchover;
  return switchover.at > failover.at ? switchover : failover;
}

/**
 * After a failover, automatic failover waits out the cooldown (design rule "cooldown-after-failover")
 * unless a person has acknowledged that failover since it happened.
 */
export function cooldownSentence({ controls, policy }: { controls: AutomationControls; policy: CooldownPolicy }, now: Date): string | null {
  const start = cooldownStart(controls.lastPromotions, policy);
  if (!start) return null;
  const until = new Date(start.at.getTime() + policy.cooldownSeconds * 1000);
  if (until <= now || (controls.acknowledgedAt !== null && controls.acknowledgedAt >= start.at)) return null;
  const after = start.promotion === "planned" ? "the planned switchover" : "the failover";
  const cooldown = `cooldown ${formatSeconds(policy.cooldownSeconds)}${start.promotion === "planned" ? "; the policy has switchovers start it too" : ""}`;
  return `automatic failover is cooling down after ${after} at ${start.at.toISOString()} until ${until.toISOString()} (${cooldown}); a person must acknowledge to allow it sooner`;
}

/**
 * A pre-failover gate that refused an automatic failover holds the next one
 * for the cooldown, unless a person acknowledges since: asking the gate again
 * at every tick would start and abort a run each time (Orchestrator blocks
 * recoveries of a cluster for RecoveryPeriodBlockSeconds after one, failed or not).
 */
export function gateRefusalSentence({ controls, policy }: { controls: AutomationControls; policy: Pick<AutomationPolicy, "cooldownSeconds"> }, now: Date): string | null {
  const refusal = controls.gateRefusal;
  if (!refusal) return null;
  const until = new Date(refusal.at.getTime() + policy.cooldownSeconds * 1000);
  if (until <= now || (controls.acknowledgedAt !== null && controls.acknowledgedAt >= refusal.at)) return null;
  return `the pre-failover gate refused automatic failover run ${refusal.runId} at ${refusal.at.toISOString()}${refusal.error ? ` (${refusal.error})` : ""}; it is not asked again until ${until.toISOString()} unless a person acknowledges`;
}

export function runSentence({ activeRuns }: AutomationSnapshot): string | null {
  const run = activeRuns[0];
  return run ? `run ${run.id} of ${run.runbookId} is ${run.status}; automation does not start another` : null;
}

/**
 * Another replica is promoted only once the old primary's self-fencing lease
 * has lapsed, margin included (design rule "one-writable-primary"): until then it may still take writes.
 */
export function leaseSentence(snapshot: AutomationSnapshot, now: Date): string | null {
  const found = writeReplicaLapse(snapshot, now);
  if (!found) return null;
  const { lapse } = found;
  if (lapse.lapsesAt !== null && lapse.lapsesAt <= now) return null;
  return lapse.lapsesAt === null ? `${lapse.sentence}; nothing is promoted until it lapses` : `waiting: ${lapse.sentence}`;
}
