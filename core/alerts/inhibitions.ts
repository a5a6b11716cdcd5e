import type { AlertRuleId, AlertSubject } from "./alert-rules";

/** An alert, or a condition about to raise one, as inhibition sees it. */
export interface Inhibitable {
  serviceId: string | null;
  ruleId: AlertRuleId;
  subject: Pick<AlertSubject, "key" | "label" | "replicaId">;
}

export interface InhibitionRule {
  id: string;
  /** Alerts on the service's write primary that inhibit. */
  sources: readonly AlertRuleId[];
  /** Alerts on the service's other replicas that are inhibited while a source holds. */
  targets: readonly AlertRuleId[];
  sentence: string;
}

const LOST_PRIMARY: readonly AlertRuleId[] = ["replica-unreachable", "heartbeat-stale"];

/**
 * Alerts another alert explains, as a table (Alertmanager's inhibit_rules):
 * an inhibited alert is recorded, evaluated and audited like any other, and
 * shown as inhibited by its source, but nobody is notified of it while the
 * source holds. A source inhibits whatever else mutes it (a silence of the
 * lost primary still explains its standbys' alerts).
 */
export const INHIBITION_RULES: readonly InhibitionRule[] = [
  {
    id: "lost-primary-inhibits-replica-unreachable",
    sources: LOST_PRIMARY,
    targets: ["replica-unreachable"],
    sentence:
      "While a service's write primary is unreachable or its heartbeat stale (the primary or its region is lost), replica-unreachable alerts on the service's other replicas are inhibited: the same loss is their cause.",
  },
  {
    id: "lost-primary-inhibits-lag",
    sources: LOST_PRIMARY,
    targets: ["lag-above-budget"],
    sentence:
      "While a service's write primary is unreachable or its heartbeat stale, lag-above-budget alerts on the service's other replicas are inhibited: they lag because nothing streams from the lost primary.",
  },
];

export interface Inhibition<A extends Inhibitable> {
  ruleId: string;
  by: A;
}

/**
 * Which of the alerts are inhibited, and by which alert under which rule.
 * `writeReplicaOf` answers a service's write primary (null: none). Pure.
 */
export function inhibitions<A extends Inhibitable>(alerts: readonly A[], writeReplicaOf: (serviceId: string) => string | null): Map<A, Inhibition<A>> {
  const inhibited = new Map<A, Inhibition<A>>();
  for (const rule of INHIBITION_RULES) {
    const sources = new Map<string, A>();
    for (const alert of alerts) {
      if (alert.serviceId === null || !rule.sources.includes(alert.ruleId) || sources.has(alert.serviceId)) continue;
      const primary = writeReplicaOf(alert.serviceId);
      if (primary !== null && alert.subject.replicaId === primary) sources.set(alert.serviceId, alert);
    }
    for (const alert of alerts) {
      if (alert.serviceId === null || inhibited.has(alert) || !rule.targets.includes(alert.ruleId)) continue;
      const source = sources.get(alert.serviceId);
      if (source && alert.subject.replicaId !== null && alert.subject.replicaId !== source.subject.replicaId) inhibited.set(alert, { ruleId: rule.id, by: source });
    }
  }
  return inhibited;
}

/** How an inhibited alert says so. */
export const inhibitionLabel = (source: Inhibitable) => `inhibited by ${source.ruleId} on ${source.subject.label}`;
