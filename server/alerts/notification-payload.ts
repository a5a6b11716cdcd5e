import "server-only";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import type { Prisma } from "../db/generated/client";
import type { Alert } from "../db/generated/client";

/**
 * The JSON a webhook receives. `text` is what chat tools (Slack, Mattermost,
 * Rocket.Chat, Teams' incoming webhooks) display; `status`, `alert` and the
 * stable `alert.id` let paging bridges deduplicate and resolve incidents.
 */
export function notificationPayload(alert: Alert): Prisma.InputJsonObject {
  const rule = ruleById(alert.ruleId as AlertRuleId);
  const status = alert.state === "resolved" ? "resolved" : "firing";
  const base = process.env.NEXTAUTH_URL?.replace(/\/$/, "");
  const filter = alert.serviceId === null ? `rule=${encodeURIComponent(alert.ruleId)}` : `service=${encodeURIComponent(alert.serviceId)}`;
  return {
    text: `[${status.toUpperCase()}] ${alert.serviceId ?? "accounts"}: ${rule.title} — ${alert.sentence}`,
    status,
    alert: {
      id: alert.id,
      rule: alert.ruleId,
      title: rule.title,
      severity: alert.severity,
      service: alert.serviceId,
      subject: alert.subjectLabel,
      sentence: alert.sentence,
      startedAt: alert.startedAt.toISOString(),
      firedAt: alert.firedAt?.toISOString() ?? null,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      policyVersion: alert.policyVersion,
      url: base ? `${base}/alerts?${filter}` : null,
    },
  };
}
