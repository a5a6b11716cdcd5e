import type { Health } from "../fleet/replica-health";

/** What a public status page says of a component, worst last (Statuspage's and Cachet's vocabulary). */
export const COMPONENT_STATES = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export const COMPONENT_STATE_LABELS: Record<ComponentState, string> = {
  operational: "Operational",
  under_maintenance: "Under maintenance",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
};

/** Incident statuses as a status page shows them; `resolved` ends an incident. */
export const PUBLIC_INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type PublicIncidentStatus = (typeof PUBLIC_INCIDENT_STATUSES)[number];

/** What the status page knows of one service behind a component, now. */
export interface ServiceStatusFacts {
  /** The health of the replica taking writes; null when no replica takes writes. */
  writeHealth: Health | null;
  /** Every other data-bearing replica's health. */
  otherHealths: readonly Health[];
  /** The open incident's status on this service, if one is open. */
  openIncident: Exclude<PublicIncidentStatus, "resolved"> | null;
  /** A maintenance window of the service's policy is in force. */
  inMaintenance: boolean;
}

export interface ComponentStateRule {
  id: string;
  state: ComponentState;
  when: (service: ServiceStatusFacts) => boolean;
  sentence: string;
}

const writesDown = (service: ServiceStatusFacts) => service.writeHealth === null || service.writeHealth === "unhealthy" || service.writeHealth === "stale";

/**
 * How one service's state is read, first match wins; a component is as
 * unwell as its least well service. Derived from what users of the service
 * feel — can it take writes, is anything less redundant or slower — and what
 * the incident commander says, never from internal detail.
 */
export const COMPONENT_STATE_RULES: readonly ComponentStateRule[] = [
  {
    id: "writes-not-served",
    state: "major_outage",
    when: (service) => writesDown(service) && !service.inMaintenance,
    sentence: "No replica of the service takes writes: its primary is lost, unreachable or silent, and no maintenance window covers it.",
  },
  {
    id: "incident-being-worked",
    state: "partial_outage",
    when: (service) => service.openIncident === "investigating" || service.openIncident === "identified",
    sentence: "An incident on the service is open and not yet mitigated (investigating or identified).",
  },
  {
    id: "maintenance-in-force",
    state: "under_maintenance",
    when: (service) => service.inMaintenance,
    sentence: "A maintenance window of the service's policy is in force; planned work may interrupt it.",
  },
  {
    id: "incident-monitored",
    state: "degraded_performance",
    when: (service) => service.openIncident === "monitoring",
    sentence: "A fix is in place and the incident is being monitored.",
  },
  {
    id: "redundancy-reduced",
    state: "degraded_performance",
    when: (service) => service.writeHealth === "degraded" || service.otherHealths.some((health) => health !== "healthy"),
    sentence: "The service takes writes, but its primary is degraded or a replica is not healthy: it is slower or less protected than usual.",
  },
  { id: "all-well", state: "operational", when: () => true, sentence: "The service takes writes and every replica is healthy." },
];

const RANK: Record<ComponentState, number> = Object.fromEntries(COMPONENT_STATES.map((state, index) => [state, index])) as Record<ComponentState, number>;

export function worstState(states: readonly ComponentState[]): ComponentState {
  return states.reduce<ComponentState>((worst, state) => (RANK[state] > RANK[worst] ? state : worst), "operational");
}

/** The first rule that holds for the service. */
export function serviceState(service: ServiceStatusFacts): ComponentStateRule {
  return COMPONENT_STATE_RULES.find((rule) => rule.when(service))!;
}

/** A component's state: its least well service's; operational when it maps to none. */
export function componentState(services: readonly ServiceStatusFacts[]): ComponentState {
  return worstState(services.map((service) => serviceState(service).state));
}

/** The one line atop the page, from the components' states. */
export function pageIndicator(states: readonly ComponentState[]): { state: ComponentState; description: string } {
  const state = worstState(states);
  const description: Record<ComponentState, string> = {
    operational: "All systems operational",
    under_maintenance: "Maintenance in progress",
    degraded_performance: "Some systems degraded",
    partial_outage: "Partial outage",
    major_outage: "Major outage",
  };
  return { state, description: description[state] };
}
