import { cooldownSentence, pauseSentence } from "../automation/controls";
import type { AutomationControls, AutomationPolicy } from "../automation/snapshot";

export const AUTOMATION_STATES = ["on", "paused", "cooling-down", "off"] as const;
export type AutomationState = (typeof AUTOMATION_STATES)[number];

export interface Automation {
  state: AutomationState;
  reason: string;
}

/**
 * Whether automation may fail a service over right now. A pause in force is
 * reported first, so operators see their brake take hold even on a service
 * whose policy turns automatic failover off (the pause outlasts a policy
 * change). A cooldown only matters when the policy lets automation act, so an
 * `off` service never asks for an acknowledgement that would change nothing.
 * Whether a control-plane copy holds the decider lease is not known here: the
 * service's page says whether the decider acts.
 */
export function automationState(policy: Pick<AutomationPolicy, "automatic" | "cooldownSeconds" | "cooldownAfterSwitchover"> | undefined, controls: AutomationControls, now: Date): Automation {
  const paused = pauseSentence({ controls }, now);
  if (paused) {
    const alsoOff = policy?.automatic ? "" : "; the policy turns automatic failover off too";
    return { state: "paused", reason: `${paused}${alsoOff}` };
  }
  if (!policy) return { state: "off", reason: "the service has no effective policy, so automatic failover is off; failovers are guided runbook runs" };
  if (!policy.automatic) return { state: "off", reason: "the policy turns automatic failover off; failovers are guided runbook runs" };
  const coolingDown = cooldownSentence({ controls, policy }, now);
  if (coolingDown) return { state: "cooling-down", reason: coolingDown };
  return { state: "on", reason: "the policy turns automatic failover on and no pause or cooldown holds it back: a confirmed loss of the primary fails the service over" };
}
