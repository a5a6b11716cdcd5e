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
  status: alert.state,
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
  /** Stable across the group's notifications: what a bridge deduplicates and resolves by. */
  groupKey: string;
  service: string | null;
  url: string | null;
  /** The group's first alert: what a receiver written for one alert per notification reads. */
  alert: SwitchyardAlertJson;
  alerts: SwitchyardAlertJson[];
}

const line = (alert: NotifiedAlert) => `${alert.title} — ${alert.sentence}`;

/**
 * Switchyard's own JSON, what a plain URL in SWITCHYARD_ALERT_WEBHOOKS
 * receives: `text` for chat tools (the alerts still firing, or all of them
 * once the group resolved), `status`, the stable `groupKey` and each alert's
 * `id` for bridges that deduplicate and resolve; `alert` is the group's
 * first, as a receiver of one alert per notification reads it.
 */
export function switchyardNotification(group: NotificationGroup): SwitchyardNotification {
  const who = group.serviceId ?? "accounts";
  const firing = group.alerts.filter((alert) => alert.state === "firing");
  const told = group.status === "firing" && firing.length ? firing : group.alerts;
  const text =
    told.length === 1
      ? `[${group.status.toUpperCase()}] ${who}: ${line(told[0]!)}`
      : `[${group.status.toUpperCase()}] ${who}: ${told.length} alerts\n${told.map((alert) => `• ${line(alert)}`).join("\n")}`;
  return {
    text,
    status: group.status,
    groupKey: group.key,
    service: group.serviceId,
    url: group.url,
    alert: alertJson(leadAlert(group.alerts), group.url),
    alerts: group.alerts.map((alert) => alertJson(alert, group.url)),
  };
}
