import "server-only";
import { PAGE_SEVERITY } from "@/core/alerts/page-level";
import { decideEscalation, type PageToSend } from "@/core/oncall/escalation";
import type { OnCallSchedule } from "@/core/oncall/on-call-schedule";
import { appendAuditEvents, type AuditActor, type AuditEventInput } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Alert, Prisma } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { policyRowsByService } from "./escalation-policies";
import { pagePayload } from "./page-notification";
import { scheduleOf, storedSchedules } from "./schedule-view";
import { policyOf, schedulesOf } from "./stored-policy";

const ESCALATION: AuditActor = { type: "automation", id: null, label: "escalation" };

/** The firing page-level alerts nobody has acknowledged: the only ones escalation may page for. */
const ESCALATING: Prisma.AlertWhereInput = { state: "firing", severity: PAGE_SEVERITY, acknowledgedAt: null, maintenance: null };

export interface EscalationPass {
  /** Pages written (each to one person). */
  paged: number;
  /** Acknowledgements and resolutions told to receivers of earlier pages. */
  followUps: number;
}

/**
 * One pass of escalation at `now`: for every firing critical alert nobody
 * has acknowledged, the escalation table decides whom to page; each page
 * is written with its outbox row (delivered by the alerting loop's
 * delivery) and its audit event in one transaction that re-reads the alert
 * under lock, so an acknowledgement that lands meanwhile wins. Then the
 * receivers of earlier pages are told of acknowledgements and resolutions.
 */
export async function escalate(lease: HeldLease, now = new Date()): Promise<EscalationPass> {
  const alerts = await db().alert.findMany({ where: ESCALATING, orderBy: { firedAt: "asc" } });
  let paged = 0;
  if (alerts.length) {
    const policyFor = await policyRowsByService(alerts.map((alert) => alert.serviceId));
    const policies = new Map(alerts.map((alert) => [alert.id, policyFor(alert.serviceId)]));
    const scheduleIds = new Set([...policies.values()].flatMap((row) => (row ? [...schedulesOf(policyOf(row))] : [])));
    const schedules = new Map<string, OnCallSchedule>((await storedSchedules(now, [...scheduleIds])).map((row) => [row.id, scheduleOf(row)]));
    const sent = await db().alertPage.findMany({ where: { alertId: { in: alerts.map((alert) => alert.id) } }, select: { alertId: true, level: true, userId: true, sentAt: true } });
    for (const alert of alerts) {
      const row = policies.get(alert.id) ?? null;
      const policy = row ? policyOf(row) : null;
      const decision = decideEscalation({ alert, policy, schedules, sent: sent.filter((page) => page.alertId === alert.id), now });
      if (decision.pages.length === 0) continue;
      paged += await sendPages(lease, alert.id, policy?.id ?? null, decision.pages, decision.rule, decision.sentence, now);
    }
  }
  const followUps = await followUp(lease, now);
  return { paged, followUps };
}

async function sendPages(lease: HeldLease, alertId: string, policyId: string | null, pages: PageToSend[], rule: string, sentence: string, now: Date): Promise<number> {
  return db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Alert" WHERE id = ${alertId} FOR UPDATE`;
    const alert = locked ? await tx.alert.findFirst({ where: { id: alertId, ...ESCALATING } }) : null;
    // Acknowledged or resolved since it was read: escalation has stopped.
    if (!alert) return 0;
    const users = await tx.user.findMany({ where: { id: { in: pages.map((page) => page.userId) } }, include: { pagingContact: true } });
    const byId = new Map(users.map((user) => [user.id, user]));
    const audits: AuditEventInput[] = [];
    for (const page of pages) {
      const user = byId.get(page.userId);
      const contact = user && !user.disabled ? user.pagingContact : null;
      const undeliverable = !user ? "no such account" : user.disabled ? "the account is disabled" : !contact ? "the person has no paging contact" : null;
      const notification = contact
        ? await tx.alertNotification.create({
            data: { alertId, event: "page", url: contact.url, payload: pagePayload(alert, contact, user!.email) as Prisma.InputJsonValue, nextAttemptAt: now },
          })
        : null;
      await tx.alertPage.create({
        data: { alertId, policyId, level: page.level, userId: page.userId, scheduleId: page.scheduleId, rule, sentence, notificationId: notification?.id ?? null, undeliverable, sentAt: now },
      });
      audits.push({
        actor: ESCALATION,
        action: "alert.page",
        target: { type: "alert", id: alertId },
        serviceId: alert.serviceId,
        reason: sentence,
        outcome: undeliverable ? "failure" : "success",
        after: { level: page.level + 1, person: user?.email ?? page.userId, schedule: page.scheduleId, format: contact?.format ?? null },
        details: { rule, policy: policyId, subject: alert.subjectLabel, alertSentence: alert.sentence, ...(undeliverable ? { undeliverable } : {}) },
      });
    }
    await appendAuditEvents(tx, audits);
    return pages.length;
  });
}

type PageWithAlert = Prisma.AlertPageGetPayload<{ include: { alert: true } }>;

/**
 * Tells the receivers of earlier pages what became of the alert: resolved
 * (every format: a resolved notification), or acknowledged (PagerDuty's
 * acknowledge event; the other formats have no such message). Each page is
 * followed up once per event, marked in the same transaction.
 */
async function followUp(lease: HeldLease, now: Date): Promise<number> {
  const pages = await db().alertPage.findMany({
    where: {
      notificationId: { not: null },
      OR: [
        { resolveSentAt: null, alert: { state: "resolved" } },
        { acknowledgeSentAt: null, alert: { state: { not: "resolved" }, acknowledgedAt: { not: null } } },
      ],
    },
    include: { alert: true },
  });
  if (!pages.length) return 0;
  const byAlert = new Map<string, PageWithAlert[]>();
  for (const page of pages) byAlert.set(page.alertId, [...(byAlert.get(page.alertId) ?? []), page]);
  let told = 0;
  for (const [alertId, alertPages] of byAlert) {
    told += await db().$transaction(async (tx) => {
      await assertLeaseHeld(tx, lease);
      return followUpAlert(tx, alertId, alertPages, now);
    });
  }
  return told;
}

async function followUpAlert(tx: Tx, alertId: string, pages: PageWithAlert[], now: Date): Promise<number> {
  const alert: Alert = await tx.alert.findUniqueOrThrow({ where: { id: alertId } });
  const resolved = alert.state === "resolved";
  const contacts = new Map((await tx.pagingContact.findMany({ where: { userId: { in: pages.map((page) => page.userId) } }, include: { user: true } })).map((contact) => [contact.userId, contact]));
  const told: string[] = [];
  for (const page of pages) {
    const contact = contacts.get(page.userId);
    const tells = contact && (resolved || contact.format === "pagerduty");
    if (tells) {
      await tx.alertNotification.create({
        data: {
          alertId,
          event: resolved ? "page.resolve" : "page.acknowledge",
          url: contact.url,
          payload: pagePayload(alert, contact, contact.user.email, resolved ? "resolve" : "acknowledge") as Prisma.InputJsonValue,
          nextAttemptAt: now,
        },
      });
      told.push(contact.user.email);
    }
    await tx.alertPage.update({
      where: { id: page.id },
      data: resolved ? { resolveSentAt: now, acknowledgeSentAt: page.acknowledgeSentAt ?? now } : { acknowledgeSentAt: now },
    });
  }
  if (told.length) {
    await appendAuditEvents(tx, [
      {
        actor: ESCALATION,
        action: "alert.page_follow_up",
        target: { type: "alert", id: alertId },
        serviceId: alert.serviceId,
        reason: resolved ? "the alert resolved: paged people's receivers told" : `acknowledged by ${alert.acknowledgedBy}: paged people's PagerDuty told`,
        after: { event: resolved ? "resolve" : "acknowledge", people: told },
      },
    ]);
  }
  return told.length;
}
