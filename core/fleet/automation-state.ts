import { cooldownSentence, maintenanceHoldSentence, pauseSentence } from "../automation/controls";
import type { AutomationControls, AutomationPolicy } from "../automation/snapshot";
import { maintenanceLabel, maintenanceSentence, windowInForce } from "../policy/maintenance-windows";

export const AUTOMATION_STATES = ["on", "paused", "not-deciding", "maintenance", "cooling-down", "off"] as const;
export type AutomationState = (typeof AUTOMATION_STATES)[number];

export interface Automation {
  state: AutomationState;
  reason: string;
  /** The maintenance window in force and what it does, whatever the state; null when none is. */
  maintenance: string | null;
}

type StatePolicy = Pick<AutomationPolicy, "automatic" | "cooldownSeconds" | "cooldownAfterSwitchover" | "maintenanceWindows">;

/**
 * Whether automation may fail a service over right now. A pause in force is
 * reported first, so operators see their brake take hold even on a service
 * whose policy turns automatic failover off (the pause outlasts a policy
 * change). A maintenance window and a cooldown only matter when the policy
 * lets automation act, so an `off` service never asks for an acknowledgement
 * that would change nothing; the window in force is named in `maintenance`
 * in every state, since it also keeps the service's alerts from webhooks.
 * `notDeciding` (core/loops/loop-stall.ts) says why no decider is deciding
 * for the service, whatever its policy: nothing automatic happens then, not
 * even a guided runbook opening; only an operator's pause comes before it.
 */
export function automationState(policy: StatePolicy | undefined, controls: AutomationControls, now: Date, notDeciding: string | null = null): Automation {
  const window = policy ? windowInForce(policy.maintenanceWindows, now) : null;
  const maintenance = window && maintenanceSentence(window);
  const paused = pauseSentence({ controls }, now);
  if (paused) {
    const alsoOff = policy?.automatic ? "" : "; the policy turns automatic failover off too";
    return { state: "paused", reason: `${paused}${alsoOff}`, maintenance };
  }
  if (notDeciding) return { state: "not-deciding", reason: notDeciding, maintenance };
  if (!policy) return { state: "off", reason: "the service has no effective policy, so automatic failover is off; failovers are guided runbook runs", maintenance };
  if (!policy.automatic) return { state: "off", reason: "the policy turns automatic failover off; failovers are guided runbook runs", maintenance };
  const held = maintenanceHoldSentence({ policy }, now);
  if (held) return { state: "maintenance", reason: held, maintenance };
  const coolingDown = cooldownSentence({ controls, policy }, now);
  if (coolingDown) return { state: "cooling-down", reason: coolingDown, maintenance };
  const armed = window ? ` (the ${maintenanceLabel(window)} keeps it armed)` : "";
  return { state: "on", reason: `the policy turns automatic failover on and no pause or cooldown holds it back${armed}: a confirmed loss of the primary fails the service over`, maintenance };
}
