import type { NotificationGroup } from "../notification-group";
import { leadAlert } from "./lead-alert";

/**
 * PagerDuty Events API v2 (`POST https://events.pagerduty.com/v2/enqueue`):
 * a trigger opens or updates the incident keyed by `dedup_key`; acknowledge
 * and resolve name the same key and need no payload. Opsgenie, Grafana
 * OnCall, Squadcast and others accept the same JSON.
 */
export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";
export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

/** PagerDuty's limits: a longer summary is refused, a longer dedup key too. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export interface PagerDutyOptions {
  routingKey: string;
  /** Unset: trigger while the group fires, resolve once it has resolved. */
  action?: PagerDutyAction;
}

export function pagerDutyEvent(group: NotificationGroup, { routingKey, action }: PagerDutyOptions): PagerDutyEvent {
  const eventAction = action ?? (group.status === "firing" ? "trigger" : "resolve");
  const base = { routing_key: routingKey, event_action: eventAction, dedup_key: clip(group.key, PAGERDUTY_DEDUP_KEY_MAX), client: "Switchyard" };
  const links = group.url ? { client_url: group.url, links: [{ href: group.url, text: "Open in Switchyard" }] } : {};
  if (eventAction !== "trigger") return { ...base, ...links };

  const firing = group.alerts.filter((alert) => alert.state === "firing");
  const shown = firing.length ? firing : group.alerts;
  const first = leadAlert(shown);
  const name = group.serviceId ?? "accounts";
  const summary =
    shown.length === 1 ? `${name}: ${first.title} — ${first.sentence}` : `${name}: ${shown.length} alerts firing — ${shown.map((alert) => alert.title).join(", ")}`;
  const rules = [...new Set(shown.map((alert) => alert.ruleId))];
  const started = Math.min(...shown.map((alert) => (alert.firedAt ?? alert.startedAt).getTime()));
  return {
    ...base,
    payload: {
      summary: clip(summary, PAGERDUTY_SUMMARY_MAX),
      source: name,
      // Switchyard pages only at critical; its warnings stay warnings.
      severity: shown.some((alert) => alert.severity === "critical") ? "critical" : "warning",
      timestamp: new Date(started).toISOString(),
      ...(first.serviceId === null ? {} : { component: first.serviceId }),
      ...(group.serviceId === null ? {} : { group: group.serviceId }),
      class: rules.join(","),
      custom_details: {
        alerts: group.alerts.map((alert) => ({
          id: alert.id,
          rule: alert.ruleId,
          title: alert.title,
          severity: alert.severity,
          state: alert.state,
          subject: alert.subjectLabel,
          sentence: alert.sentence,
          startedAt: alert.startedAt.toISOString(),
          firedAt: alert.firedAt?.toISOString() ?? null,
          resolvedAt: alert.resolvedAt?.toISOString() ?? null,
          policyVersion: alert.policyVersion,
        })),
      },
    },
    ...links,
  };
}
