import { cooldownSentence, pauseSentence } from "../automation/controls";
import type { AutomationControls } from "../automation/snapshot";

export const AUTOMATION_STATES = ["armed", "paused", "cooling-down", "off"] as const;
export type AutomationState = (typeof AUTOMATION_STATES)[number];

export interface Automation {
  state: AutomationState;
  reason: string;
}

/**
 * Whether automation may fail a service over right now. A pause or a cooldown
 * in force is reported first, so operators see their brakes take hold; beyond
 * them every service is `off`, since automatic failover does not act yet, and
 * the reason says so, so nobody mistakes a policy's wish for protection.
 */
export function automationState(policy: { failover: { automatic: boolean; cooldownSeconds: number } } | undefined, controls: AutomationControls, now: Date): Automation {
  const paused = pauseSentence({ controls }, now);
  if (paused) return { state: "paused", reason: paused };
  const coolingDown = cooldownSentence({ controls, policy: { cooldownSeconds: policy?.failover.cooldownSeconds ?? 0 } }, now);
  if (coolingDown) return { state: "cooling-down", reason: coolingDown };
  if (!policy) return { state: "off", reason: "automatic failover is not available yet; the service has no effective policy" };
  if (policy.failover.automatic) {
    return { state: "off", reason: "automatic failover is not available yet (the policy asks for it); failovers are guided runbook runs" };
  }
  return { state: "off", reason: "automatic failover is not available yet, and the policy turns it off" };
}
