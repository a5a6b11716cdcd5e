import type { AlertRuleId, AlertSeverity } from "../alerts/alert-rules";

/** One alert as every notification format carries it. */
export interface NotifiedAlert {
  /** The alert's stable id: receivers deduplicate and resolve by it. */
  id: string;
  ruleId: AlertRuleId;
  title: string;
  severity: AlertSeverity;
  /** Null for an alert about the installation (its accounts) rather than a service. */
  serviceId: string | null;
  subjectLabel: string;
  sentence: string;
  state: "firing" | "resolved";
  startedAt: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
  policyVersion: number | null;
}

/**
 * What one notification says: the alerts of one group (a service's, as
 * Alertmanager groups by label), firing while any of them fires. Every
 * format a receiver accepts (Alertmanager's webhook JSON, a Slack-compatible
 * message, PagerDuty Events v2) is written from this and nothing else.
 */
export interface NotificationGroup {
  /** Stable across the group's notifications: a receiver's dedup key. */
  key: string;
  serviceId: string | null;
  status: "firing" | "resolved";
  alerts: NotifiedAlert[];
  /** Where a person sees them in the console, when the control plane knows its own address. */
  url: string | null;
}
