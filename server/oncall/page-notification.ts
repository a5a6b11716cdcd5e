import "server-only";
import { encodeNotification, type WebhookTarget } from "@/core/notifications/formats/notification-formats";
import type { PagerDutyAction } from "@/core/notifications/formats/pagerduty";
import type { NotificationGroup } from "@/core/notifications/notification-group";
import { consoleBaseUrl, consoleUrlOf, notifiedAlert } from "../alerts/notification-payload";
import type { Alert, PagingContact } from "../db/generated/client";

/**
 * A page is about one alert: its group is the alert alone, keyed by the
 * alert's id so that the acknowledgement and the resolution a receiver is
 * told later (PagerDuty's dedup_key) close what the page opened.
 */
export function pageGroupOf(alert: Alert): NotificationGroup {
  const notified = notifiedAlert(alert);
  return { key: `switchyard-alert:${alert.id}`, serviceId: alert.serviceId, status: notified.state, url: consoleUrlOf(alert.serviceId, [notified]), alerts: [notified] };
}

export const targetOf = (contact: PagingContact): WebhookTarget => ({ format: contact.format, url: contact.url, routingKey: contact.routingKey });

/** The body a person's receiver gets for `alert`, in the format of their contact. */
export function pagePayload(alert: Alert, contact: PagingContact, receiver: string, pagerDutyAction?: PagerDutyAction): unknown {
  return encodeNotification(pageGroupOf(alert), targetOf(contact), { externalUrl: consoleBaseUrl(), receiver, pagerDutyAction });
}
