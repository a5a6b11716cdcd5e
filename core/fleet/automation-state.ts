export const AUTOMATION_STATES = ["armed", "paused", "cooling-down", "off"] as const;
export type AutomationState = (typeof AUTOMATION_STATES)[number];

export interface Automation {
  state: AutomationState;
  reason: string;
}

/**
 * Whether automation may fail a service over right now. Automatic failover is
 * not built yet, so every service is `off` whatever its policy asks for; the
 * reason says which, so nobody mistakes a policy's wish for protection.
 */
export function automationState(policy: { failover: { automatic: boolean } } | undefined): Automation {
  if (!policy) return { state: "off", reason: "automatic failover is not available yet; the service has no effective policy" };
  if (policy.failover.automatic) {
    return { state: "off", reason: "automatic failover is not available yet (the policy asks for it); failovers are guided runbook runs" };
  }
  return { state: "off", reason: "automatic failover is not available yet, and the policy turns it off" };
}
