import { RULES } from "./rules";

/**
 * The rules' ids before they were named (R1–R15). Stored decisions and alerts
 * were migrated to the names (the `…_automation_rule_names` migration);
 * audit events are hash-chained and keep the number they were written with,
 * so whoever shows one translates it here.
 */
export const NUMBERED_RULE_IDS: Readonly<Record<string, string>> = {
  R1: "healthy",
  R2: "primary-loss-unconfirmed",
  R3: "failover-paused",
  R4: "failover-off",
  R5: "failover-cooling-down",
  R6: "failover-run-active",
  R7: "failover-guided",
  R8: "failover-automatic",
  R9: "standby-lagging",
  R10: "sync-standby-lost",
  R11: "run-in-progress",
  R12: "failover-lease-held",
  R13: "fence-former-primary",
  R14: "former-primary-fenced",
  R15: "failover-maintenance-window",
};

/** An automation rule id as recorded, old or new: the rule's name now, and the number it was recorded under if any; null for no automation rule. */
export function automationRuleOf(recorded: string): { id: string; recordedAs: string | null } | null {
  if (Object.hasOwn(NUMBERED_RULE_IDS, recorded)) return { id: NUMBERED_RULE_IDS[recorded]!, recordedAs: recorded };
  return RULES.some((rule) => rule.id === recorded) ? { id: recorded, recordedAs: null } : null;
}

/** The automation rule an audit event by the automation names in its details (`details.rule`), if any. */
export function automationRuleIn(event: { actorType: string; details: unknown }): { id: string; recordedAs: string | null } | null {
  const { actorType, details } = event;
  if (actorType !== "automation" || typeof details !== "object" || details === null || !("rule" in details)) return null;
  return typeof details.rule === "string" ? automationRuleOf(details.rule) : null;
}
