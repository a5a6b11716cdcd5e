import "server-only";
import { randomUUID } from "node:crypto";
import { ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import type { NotificationGroup, NotifiedAlert } from "@/core/notifications/notification-group";
import { GROUP_WAIT_MS, groupAnnouncements, groupKeyOf, mergeWaiting } from "@/core/notifications/notification-groups";
import { encodeNotification, type WebhookTarget } from "@/core/notifications/formats/notification-formats";
import { alertWebhooks } from "../alert-webhooks";
import type { Alert } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { consoleBaseUrl, consoleUrlOf, notifiedAlert } from "./notification-payload";

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

const alertFromJson = (alert: Json<NotifiedAlert>): NotifiedAlert => ({
  ...alert,
  ruleId: alert.ruleId as AlertRuleId,
  startedAt: new Date(alert.startedAt),
  firedAt: alert.firedAt === null ? null : new Date(alert.firedAt),
  resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt),
});

interface Waiting {
  id: string;
  groupKey: string;
  url: string;
  /** PagerDuty's routing key of the event waiting: two PagerDuty targets share the one events URL. */
  routingKey: string | null;
  group: Omit<NotificationGroup, "alerts"> & { alerts: Json<NotifiedAlert>[] };
}

const sameTarget = (waiting: Waiting, target: WebhookTarget) => waiting.url === target.url && waiting.routingKey === target.routingKey;

type FiringRow = Json<Pick<Alert, "id" | "ruleId" | "severity" | "serviceId" | "subjectLabel" | "sentence" | "startedAt" | "firedAt" | "resolvedAt" | "policyVersion">>;

/**
 * Queues one notification per group of alerts the announcements touch and
 * per webhook (core/notifications/notification-groups.ts), inside the
 * caller's transaction: one read of the groups' alerts firing now (written
 * already, this batch's included) and of their notifications still in their
 * group wait, then one upsert: a group with a notification waiting updates
 * it, another gets a new one, sent after the group wait.
 */
export async function enqueueGroupNotifications(tx: Tx, announcements: readonly { alert: Alert; event: "fire" | "resolve" }[], now: Date): Promise<void> {
  const targets = announcements.length ? alertWebhooks() : [];
  if (!targets.length) return;
  const keys = [...new Set(announcements.map(({ alert }) => groupKeyOf(alert.serviceId)))];
  const serviceIds = [...new Set(announcements.flatMap(({ alert }) => (alert.serviceId === null ? [] : [alert.serviceId])))];
  const [read] = await tx.$queryRaw<{ firing: FiringRow[]; waiting: Waiting[] }[]>`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('id', id, 'ruleId', "ruleId", 'severity', severity, 'serviceId', "serviceId", 'subjectLabel', "subjectLabel",
                 'sentence', sentence, 'startedAt', "startedAt", 'firedAt', "firedAt", 'resolvedAt', "resolvedAt", 'policyVersion', "policyVersion")
                 ORDER BY "firedAt", id), '[]')
         FROM "Alert"
        WHERE state = 'firing' AND maintenance IS NULL
          AND ("serviceId" = ANY(${serviceIds}::text[]) OR (${keys.includes(groupKeyOf(null))} AND "serviceId" IS NULL))) AS firing,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'groupKey', "groupKey", 'url', url, 'routingKey', payload->>'routing_key', 'group', "group")), '[]')
         FROM "AlertNotification"
        WHERE "groupKey" = ANY(${keys}::text[]) AND "deliveredAt" IS NULL AND "failedAt" IS NULL AND attempts = 0 AND "nextAttemptAt" > ${now}) AS waiting`;
  const firing = read!.firing.map((row) => alertFromJson({ ...row, ruleId: row.ruleId as AlertRuleId, title: ruleById(row.ruleId as AlertRuleId).title, state: "firing" }));
  const decisions = groupAnnouncements(
    announcements.map(({ alert, event }) => ({ alert: notifiedAlert(alert), event })),
    firing,
    null,
  );
  const rows = decisions.flatMap(({ notify, group: fresh }) =>
    targets.flatMap((target) => {
      const waiting = read!.waiting.find((notification) => notification.groupKey === fresh.key && sameTarget(notification, target));
      if (!waiting && !notify) return [];
      const merged = waiting ? mergeWaiting({ ...waiting.group, alerts: waiting.group.alerts.map(alertFromJson) }, fresh) : fresh;
      const group = { ...merged, url: consoleUrlOf(merged.serviceId, merged.alerts) };
      const payload = encodeNotification(group, target, { externalUrl: consoleBaseUrl(), receiver: "switchyard" });
      return [{ id: waiting?.id ?? randomUUID(), alertId: null, groupKey: group.key, event: group.status, url: target.url, payload, group, nextAttemptAt: new Date(now.getTime() + GROUP_WAIT_MS) }];
    }),
  );
  if (!rows.length) return;
  // A waiting notification keeps its time: the group wait runs from the group's first alert.
  await tx.$executeRaw`
    INSERT INTO "AlertNotification" (id, "alertId", "groupKey", event, url, payload, "group", "nextAttemptAt")
    SELECT id, "alertId", "groupKey", event, url, payload, "group", "nextAttemptAt" FROM jsonb_populate_recordset(NULL::"AlertNotification", ${JSON.stringify(rows)}::jsonb)
    ON CONFLICT (id) DO UPDATE SET event = EXCLUDED.event, payload = EXCLUDED.payload, "group" = EXCLUDED."group"`;
}
