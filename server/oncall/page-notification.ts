import "server-only";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import { encodeNotification, type WebhookTarget } from "@/core/notifications/formats/notification-formats";
import type { PagerDutyAction } from "@/core/notifications/formats/pagerduty";
import type { NotificationGroup } from "@/core/notifications/notification-group";
import type { Alert, PagingContact } from "../db/generated/client";

/** The control plane's own address, when it knows it. */
const externalUrl = () => process.env.NEXTAUTH_URL?.replace(/\/$/, "") || null;

/**
 * A page is about one alert: its group is the alert alone, keyed by the
 * alert's id so that the acknowledgement and the resolution a receiver is
 * told later (PagerDuty's dedup_key) close what the page opened.
 */
export function pageGroupOf(alert: Alert): NotificationGroup {
  const base = externalUrl();
  const filter = alert.serviceId === null ? `rule=${encodeURIComponent(alert.ruleId)}` : `service=${encodeURIComponent(alert.serviceId)}`;
  return {
    key: `switchyard-alert:${alert.id}`,
    serviceId: alert.serviceId,
    status: alert.state === "resolved" ? "resolved" : "firing",
    url: base ? `${base}/alerts?${filter}` : null,
    alerts: [
      {
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
      },
    ],
  };
}

export const targetOf = (contact: PagingContact): WebhookTarget => ({ format: contact.format, url: contact.url, routingKey: contact.routingKey });

/** The body a person's receiver gets for `alert`, in the format of their contact. */
export function pagePayload(alert: Alert, contact: PagingContact, receiver: string, pagerDutyAction?: PagerDutyAction): unknown {
  return encodeNotification(pageGroupOf(alert), targetOf(contact), { externalUrl: externalUrl(), receiver, pagerDutyAction });
}
