import "server-only";
import type { AlertEscalationView } from "@/contracts/oncall";
import { decideEscalation, type EscalationRuleId } from "@/core/oncall/escalation";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { policyRowsByService } from "./escalation-policies";
import { peopleById } from "./people";
import { scheduleOf, storedSchedules } from "./schedule-view";
import { policyOf, schedulesOf } from "./stored-policy";

/** An alert's pages, each with how its delivery went, and what escalation says of it now. */
export async function alertEscalation(alertId: string, now = new Date()): Promise<AlertEscalationView> {
  const alert = await db().alert.findUnique({ where: { id: alertId }, include: { pages: { orderBy: [{ sentAt: "asc" }, { level: "asc" }] } } });
  if (!alert) throw new NotFoundError(`No alert with id ${alertId}.`);
  const row = (await policyRowsByService([alert.serviceId]))(alert.serviceId);
  const policy = row ? policyOf(row) : null;
  const schedules = new Map((await storedSchedules(now, policy ? [...schedulesOf(policy)] : [])).map((schedule) => [schedule.id, scheduleOf(schedule)]));
  const decision = decideEscalation({ alert, policy, schedules, sent: alert.pages, now });
  const notificationIds = alert.pages.flatMap((page) => (page.notificationId ? [page.notificationId] : []));
  const notifications = new Map(
    (await db().alertNotification.findMany({ where: { id: { in: notificationIds } }, select: { id: true, deliveredAt: true, failedAt: true, lastError: true } })).map((n) => [n.id, n]),
  );
  const people = await peopleById(alert.pages.map((page) => page.userId));
  return {
    alertId,
    policy: row ? { id: row.id, name: row.name } : null,
    now: { rule: decision.rule, sentence: decision.sentence, escalatesAt: decision.escalatesAt?.toISOString() ?? null },
    pages: alert.pages.map((page) => {
      const notification = page.notificationId ? notifications.get(page.notificationId) : undefined;
      const delivery = !notification ? "undeliverable" : notification.deliveredAt ? "delivered" : notification.failedAt ? "failed" : "queued";
      return {
        id: page.id,
        level: page.level + 1,
        person: people.get(page.userId)!,
        scheduleId: page.scheduleId,
        rule: page.rule as EscalationRuleId,
        sentence: page.sentence,
        sentAt: page.sentAt.toISOString(),
        delivery,
        problem: page.undeliverable ?? notification?.lastError ?? null,
      };
    }),
  };
}
