import { isPageLevel } from "../alerts/page-level";
import type { AlertSeverity } from "../alerts/alert-rules";

/** A first sign that something is wrong with a service, as the opening rules read it. */
export type IncidentSign =
  | { kind: "alert"; serviceId: string | null; severity: AlertSeverity; inMaintenance: boolean; label: string }
  | { kind: "failover"; serviceId: string; startedBy: "automation" | "person"; label: string }
  | { kind: "declared"; serviceId: string; label: string };

/** What a sign does: open an incident, join the service's open one, nothing, or (a person's declaration) be refused. */
export type OpenOutcome = "open" | "attach" | "ignore" | "refuse";

export const OPEN_RULE_IDS = [
  "installation-alert-opens-nothing",
  "below-page-level-opens-nothing",
  "maintenance-alert-opens-nothing",
  "person-started-failover-opens-nothing",
  "declared-refused-while-open",
  "declared-opens",
  "page-alert-attaches",
  "page-alert-opens",
  "automatic-failover-attaches",
  "automatic-failover-opens",
] as const;
export type OpenRuleId = (typeof OPEN_RULE_IDS)[number];

export interface OpenRule {
  id: OpenRuleId;
  when(sign: IncidentSign, hasOpenIncident: boolean): boolean;
  outcome: OpenOutcome;
  sentence: string;
}

/**
 * Whether a sign opens an incident, joins the open one or does nothing;
 * first match wins. A service has at most one open incident, so every sign
 * that matters joins the open one when there is one.
 */
export const OPEN_RULES: readonly OpenRule[] = [
  {
    id: "installation-alert-opens-nothing",
    when: (sign) => sign.kind === "alert" && sign.serviceId === null,
    outcome: "ignore",
    sentence: "An alert about the installation rather than a service opens no incident: incidents are per service.",
  },
  {
    id: "below-page-level-opens-nothing",
    when: (sign) => sign.kind === "alert" && !isPageLevel(sign.severity),
    outcome: "ignore",
    sentence: "An alert below the page level pages nobody, so it opens no incident and joins none.",
  },
  {
    id: "maintenance-alert-opens-nothing",
    when: (sign) => sign.kind === "alert" && sign.inMaintenance,
    outcome: "ignore",
    sentence: "An alert raised in a maintenance window is not announced, so it opens no incident until it is.",
  },
  {
    id: "person-started-failover-opens-nothing",
    when: (sign) => sign.kind === "failover" && sign.startedBy === "person",
    outcome: "ignore",
    sentence: "A failover a person started is their decision, already in the record: it opens no incident of itself.",
  },
  {
    id: "declared-refused-while-open",
    when: (sign, open) => sign.kind === "declared" && open,
    outcome: "refuse",
    sentence: "A person may not declare a second incident for a service with an open one: they join the open one instead.",
  },
  {
    id: "declared-opens",
    when: (sign) => sign.kind === "declared",
    outcome: "open",
    sentence: "A person declares an incident for a service with no open incident: it opens.",
  },
  {
    id: "page-alert-attaches",
    when: (sign, open) => sign.kind === "alert" && open,
    outcome: "attach",
    sentence: "A page-level alert of a service with an open incident joins that incident.",
  },
  {
    id: "page-alert-opens",
    when: (sign) => sign.kind === "alert",
    outcome: "open",
    sentence: "A page-level alert of a service with no open incident opens one.",
  },
  {
    id: "automatic-failover-attaches",
    when: (_, open) => open,
    outcome: "attach",
    sentence: "A failover the automation started on a service with an open incident joins that incident.",
  },
  {
    id: "automatic-failover-opens",
    when: () => true,
    outcome: "open",
    sentence: "A failover the automation started on a service with no open incident opens one.",
  },
];

export interface OpenDecision {
  rule: OpenRuleId;
  outcome: OpenOutcome;
  sentence: string;
}

/** What `sign` does to its service, given whether the service has an open incident. */
export function decideOpen(sign: IncidentSign, hasOpenIncident: boolean): OpenDecision {
  const rule = OPEN_RULES.find((candidate) => candidate.when(sign, hasOpenIncident))!;
  return { rule: rule.id, outcome: rule.outcome, sentence: rule.sentence };
}

/** The title an incident opened by `sign` gets. */
export function titleOf(sign: IncidentSign): string {
  if (sign.kind === "failover") return `${sign.serviceId}: automatic failover (${sign.label})`;
  return `${sign.serviceId}: ${sign.label}`;
}
