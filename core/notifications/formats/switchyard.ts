import type { NotificationGroup, NotifiedAlert } from "../notification-group";
import { leadAlert } from "./lead-alert";

/** One alert in Switchyard's own JSON. */
const alertJson = (alert: NotifiedAlert, url: string | null) => ({
  id: alert.id,
  rule: alert.ruleId,
  title: alert.title,
  severity: alert.severity,
  service: alert.serviceId,
  subject: alert.subjectLabel,
  sentence: alert.sentence,
  startedAt: alert.startedAt.toISOString(),
  firedAt: alert.firedAt?.toISOString() ?? null,
  resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  policyVersion: alert.policyVersion,
  url,
});

export type SwitchyardAlertJson = ReturnType<typeof alertJson>;

export interface SwitchyardNotification {
  text: string;
  status: "firing" | "resolved";
  /** The group's first alert: what a receiver written for one alert per notification reads. */
  alert: SwitchyardAlertJson;
  alerts: SwitchyardAlertJson[];
}

/**
 * Switchyard's own JSON, what a plain URL in SWITCHYARD_ALERT_WEBHOOKS has
 * always received: `text` for chat tools, `status` and the stable `alert.id`
 * for bridges that deduplicate and resolve; `alerts` holds the whole group.
 */
export function switchyardNotification(group: NotificationGroup): SwitchyardNotification {
  const first = leadAlert(group.alerts);
  const name = group.serviceId ?? "accounts";
  const what = group.alerts.length === 1 ? `${first.title} — ${first.sentence}` : group.alerts.map((alert) => `${alert.title} — ${alert.sentence}`).join("; ");
  return {
    text: `[${group.status.toUpperCase()}] ${name}: ${what}`,
    status: group.status,
    alert: alertJson(first, group.url),
    alerts: group.alerts.map((alert) => alertJson(alert, group.url)),
  };
}
