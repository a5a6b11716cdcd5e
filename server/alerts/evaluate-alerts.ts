import "server-only";
import { detectAll, ruleById, type AlertRuleId } from "@/core/alerts/alert-rules";
import { maintenanceLabel, windowInForce } from "@/core/policy/maintenance-windows";
import { advanceAlerts, type AlertChange, type OpenAlert } from "@/core/alerts/alert-window";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Alert } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { gatherAlertFacts } from "./alert-facts";
import { notificationPayload } from "./notification-payload";
import { alertWebhookUrls } from "./alert-webhooks";

export const ALERTING: AuditActor = { type: "automation", id: null, label: "alerting" };
/** Evaluations run every second; missing more than a few means nobody watched, and a pending window starts again. */
const MAX_GAP_MS = 10_000;

const toOpenAlert = (alert: Alert): OpenAlert => ({
  id: alert.id,
  ruleId: alert.ruleId as AlertRuleId,
  subjectKey: alert.subjectKey,
  serviceId: alert.serviceId,
  state: alert.state === "firing" ? "firing" : "pending",
  sentence: alert.sentence,
  startedAt: alert.startedAt,
  lastSeenAt: alert.lastSeenAt,
  maintenance: alert.maintenance,
});

/**
 * Firing and resolving are what people hear about: audited, and queued for
 * every webhook, except for an alert raised in a maintenance window (marked
 * so), which is audited with its window and sent nowhere.
 */
async function announce(tx: Tx, alert: Alert, event: "fire" | "resolve", policyVersionId: string | null, afterMaintenance = false): Promise<void> {
  await appendAuditEvent(tx, {
    actor: ALERTING,
    action: event === "fire" ? "alert.fire" : "alert.resolve",
    target: { type: "alert", id: alert.id },
    serviceId: alert.serviceId,
    reason: alert.sentence,
    after: { state: alert.state, rule: alert.ruleId, subject: alert.subjectLabel, severity: alert.severity, maintenance: alert.maintenance },
    details: {
      startedAt: alert.startedAt.toISOString(),
      firedAt: alert.firedAt?.toISOString() ?? null,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      policyVersion: alert.policyVersion,
      ...(alert.maintenance ? { notSent: `raised in a ${alert.maintenance}: not sent to webhooks` } : {}),
      ...(afterMaintenance ? { afterMaintenance: "still firing when its maintenance window ended: announced now" } : {}),
    },
    policyVersionId,
  });
  if (alert.maintenance) return;
  const payload = notificationPayload(alert);
  const urls = alertWebhookUrls();
  if (urls.length) {
    await tx.alertNotification.createMany({
      data: urls.map((url) => ({ alertId: alert.id, event: alert.state, url, payload, nextAttemptAt: new Date() })),
    });
  }
}

/**
 * What one evaluation would change: every rule over the latest state of
 * every service, with the pending/firing/resolved window applied. Reads only.
 */
export async function decideAlerts(now = new Date()) {
  const { services, policies } = await gatherAlertFacts(now);
  const detections = detectAll(services, now);
  const open = await db().alert.findMany({ where: { state: { in: ["pending", "firing"] } } });
  const changes = advanceAlerts(open.map(toOpenAlert), detections, now, {
    forSeconds: (serviceId) => policies.get(serviceId)?.document.alerts.forSeconds ?? 0,
    maintenance: (serviceId, at) => {
      const window = windowInForce(policies.get(serviceId)?.document.maintenanceWindows ?? [], at);
      return window && maintenanceLabel(window);
    },
    maxGapMs: MAX_GAP_MS,
  });
  return { changes, open, policies };
}

/**
 * One evaluation, its changes written in one transaction under the alerting
 * lease (whose fencing token is checked there, so a copy that lost the lease
 * cannot write stale verdicts).
 */
export async function evaluateAlerts(lease: HeldLease, now = new Date()): Promise<AlertChange[]> {
  const { changes, open, policies } = await decideAlerts(now);
  const byId = new Map(open.map((alert) => [alert.id, alert]));
  const policyOf = (serviceId: string) => policies.get(serviceId);

  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    // Most evaluations only see conditions hold with the same sentence: one statement for all of them.
    const unchanged = new Set(
      changes.flatMap((change) => {
        if (change.kind !== "hold") return [];
        const alert = byId.get(change.alertId);
        return alert?.sentence === change.sentence && alert.maintenance === change.maintenance ? [change.alertId] : [];
      }),
    );
    if (unchanged.size) await tx.alert.updateMany({ where: { id: { in: [...unchanged] } }, data: { lastSeenAt: now } });
    for (const change of changes) {
      if (change.kind === "open") {
        const rule = ruleById(change.ruleId);
        const policy = policyOf(change.serviceId);
        const alert = await tx.alert.create({
          data: {
            ruleId: change.ruleId,
            subjectKey: change.subject.key,
            subjectLabel: change.subject.label,
            serviceId: change.serviceId,
            replicaId: change.subject.replicaId,
            severity: rule.severity,
            state: change.state,
            sentence: change.sentence,
            policyVersion: policy?.version ?? null,
            startedAt: now,
            lastSeenAt: now,
            firedAt: change.state === "firing" ? now : null,
            maintenance: change.maintenance,
          },
        });
        if (alert.state === "firing") await announce(tx, alert, "fire", policy?.versionId ?? null);
        continue;
      }
      if (change.kind === "hold" && unchanged.has(change.alertId)) continue;
      const previous = byId.get(change.alertId)!;
      const policy = policyOf(previous.serviceId);
      const version = policy?.version ?? null;
      const { maintenance } = change;
      if (change.kind === "hold") {
        await tx.alert.update({ where: { id: change.alertId }, data: { sentence: change.sentence, lastSeenAt: now, policyVersion: version, maintenance } });
      } else if (change.kind === "restart") {
        await tx.alert.update({ where: { id: change.alertId }, data: { sentence: change.sentence, startedAt: now, lastSeenAt: now, policyVersion: version, maintenance } });
      } else if (change.kind === "fire") {
        const alert = await tx.alert.update({ where: { id: change.alertId }, data: { state: "firing", sentence: change.sentence, firedAt: now, lastSeenAt: now, policyVersion: version, maintenance } });
        await announce(tx, alert, "fire", policy?.versionId ?? null);
      } else if (change.kind === "release") {
        const alert = await tx.alert.update({ where: { id: change.alertId }, data: { sentence: change.sentence, lastSeenAt: now, policyVersion: version, maintenance } });
        await announce(tx, alert, "fire", policy?.versionId ?? null, true);
      } else {
        const alert = await tx.alert.update({ where: { id: change.alertId }, data: { state: "resolved", resolvedAt: now } });
        // A pending alert that clears was a blip: kept for the record, told to nobody.
        if (change.wasFiring) await announce(tx, alert, "resolve", policy?.versionId ?? null);
      }
    }
  });
  return changes;
}
