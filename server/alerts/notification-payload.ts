import "server-only";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import type { NotificationGroup, NotifiedAlert } from "@/core/notifications/notification-group";
import type { Prisma } from "../db/generated/client";
import type { Alert } from "../db/generated/client";

/** An alert as every notification format carries it. */
export function notifiedAlert(alert: Alert): NotifiedAlert {
  return {
    id: alert.id,
    ruleId: alert.ruleId as AlertRuleId,
    title: ruleById(alert.ruleId as AlertRuleId).title,
    severity: alert.severity,
    serviceId: alert.serviceId,
    subjectLabel: alert.subjectLabel,
    sentence: alert.sentence,
    state: alert.state === "resolved" ? "resolved" : "firing",
    startedAt: alert.startedAt,
    firedAt: alert.firedAt,
    resolvedAt: alert.resolvedAt,
    policyVersion: alert.policyVersion,
  };
}

/** Where a person sees a group's alerts in the console, when the control plane knows its address (NEXTAUTH_URL). */
export function consoleUrlOf(serviceId: string | null, alerts: readonly Pick<NotifiedAlert, "ruleId">[]): string | null {
  const base = process.env.NEXTAUTH_URL?.replace(/\/$/, "");
  if (!base) return null;
  const filter = serviceId !== null ? `service=${encodeURIComponent(serviceId)}` : alerts.length === 1 ? `rule=${encodeURIComponent(alerts[0]!.ruleId)}` : "";
  return `${base}/alerts${filter ? `?${filter}` : ""}`;
}

const line = (alert: NotifiedAlert) => `${alert.title} — ${alert.sentence}`;

/**
 * The JSON a webhook receives for a group of alerts (Switchyard's own
 * format). `text` is what chat tools (Slack, Mattermost, Rocket.Chat, Teams'
 * incoming webhooks) display; `status`, the stable `groupKey` and each
 * alert's `id` let paging bridges deduplicate and resolve incidents. The one
 * place a group becomes a payload, so other formats can take its place.
 */
export function groupPayload(group: NotificationGroup): Prisma.InputJsonObject {
  const who = group.serviceId ?? "accounts";
  const told = group.status === "firing" ? group.alerts.filter((alert) => alert.state === "firing") : group.alerts;
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
    alerts: group.alerts.map((alert) => ({
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
    })),
  };
}
