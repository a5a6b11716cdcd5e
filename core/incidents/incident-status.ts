/** An incident's status, in the order an incident usually goes through them. */
export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const isOpenStatus = (status: IncidentStatus): boolean => status !== "resolved";

export const STATUS_RULE_IDS = [
  "resolved-takes-no-update",
  "same-status-adds-note",
  "forward",
  "back-to-investigating",
  "back-to-identified",
] as const;
export type StatusRuleId = (typeof STATUS_RULE_IDS)[number];

export interface StatusRule {
  id: StatusRuleId;
  when(from: IncidentStatus, to: IncidentStatus): boolean;
  allowed: boolean;
  sentence: string;
}

const rank = (status: IncidentStatus) => INCIDENT_STATUSES.indexOf(status);

/**
 * Status updates, first match wins. Every update carries a note (the
 * contract requires it); a resolved incident is closed for good: a new
 * problem opens a new incident, so the record of this one stays as it ended.
 */
export const STATUS_RULES: readonly StatusRule[] = [
  {
    id: "resolved-takes-no-update",
    when: (from) => from === "resolved",
    allowed: false,
    sentence: "The incident is resolved: it takes no more status updates (a new problem opens a new incident).",
  },
  {
    id: "same-status-adds-note",
    when: (from, to) => from === to,
    allowed: true,
    sentence: "An update that keeps the status adds its note to the record.",
  },
  {
    id: "forward",
    when: (from, to) => rank(to) > rank(from),
    allowed: true,
    sentence: "The incident moves forward (investigating → identified → monitoring → resolved; steps may be skipped).",
  },
  {
    id: "back-to-investigating",
    when: (_, to) => to === "investigating",
    allowed: true,
    sentence: "The cause or the fix did not hold: the incident goes back to investigating.",
  },
  {
    id: "back-to-identified",
    when: () => true,
    allowed: true,
    sentence: "The fix being monitored did not hold but the cause is known: the incident goes back to identified.",
  },
];

export interface StatusDecision {
  rule: StatusRuleId;
  allowed: boolean;
  sentence: string;
}

/** Whether an incident in `from` may take an update to `to`, and why. */
export function decideStatus(from: IncidentStatus, to: IncidentStatus): StatusDecision {
  const rule = STATUS_RULES.find((candidate) => candidate.when(from, to))!;
  return { rule: rule.id, allowed: rule.allowed, sentence: rule.sentence };
}
