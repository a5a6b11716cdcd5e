import "server-only";
import { detectAccountAlerts } from "@/core/alerts/account-alert-rules";
import { detectAll, type AlertRuleId } from "@/core/alerts/alert-rules";
import { maintenanceLabel, windowInForce } from "@/core/policy/maintenance-windows";
import { advanceAlerts, type AlertChange, type OpenAlert } from "@/core/alerts/alert-window";
import { inhibitionLabel, inhibitions } from "@/core/alerts/inhibitions";
import { muteOf } from "@/core/alerts/mutes";
import { silenceLabel, silenceOf } from "@/core/alerts/silences";
import { db } from "../db/client";
import type { Alert } from "../db/generated/client";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { gatherAccountFacts } from "./account-facts";
import { silencesInForce } from "./silences-in-force";
import { gatherAlertFacts } from "./alert-facts";
import { writeAlertBatch } from "./write-alert-batch";

/** Evaluations run every second; missing more than a few means nobody watched, and a pending window starts again. */
const MAX_GAP_MS = 10_000;

/**
 * The most changes written in one transaction. A batch costs eight
 * statements whatever its size; 250 firings with their notifications and
 * audit events took about 100 ms on this 2-core machine, busy (bench:alerts),
 * so a batch commits far inside Prisma's 5 s limit for an interactive
 * transaction even when the machine is many times slower, and the audit
 * chain's lock, which every audited action of the control plane waits for,
 * is never held long. Larger batches would save little: the fixed cost is a
 * few milliseconds per batch.
 */
export const ALERT_BATCH_SIZE = 250;

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

// A subject is named within its service and rule (as advanceAlerts keys them).
const muteKey = (serviceId: string | null, ruleId: string, subjectKey: string) => `${serviceId ?? ""}\u0000${ruleId}\u0000${subjectKey}`;

/**
 * What one evaluation would change: every rule over the latest state of
 * every service, with the pending/firing/resolved window applied, and what
 * mutes each alert (its service's maintenance window, a silence, an alert
 * of this evaluation inhibiting it). Reads only, in a fixed number of
 * statements whatever the fleet's size.
 */
export async function decideAlerts(now = new Date()) {
  const [{ services, policies }, accounts, open, silences] = await Promise.all([
    gatherAlertFacts(now),
    gatherAccountFacts(now),
    db().alert.findMany({ where: { state: { in: ["pending", "firing"] } } }),
    silencesInForce(now),
  ]);
  const detections = [...detectAll(services, now), ...detectAccountAlerts(accounts)];
  const writeReplicas = new Map(services.map((service) => [service.id, service.writeReplicaId]));
  const inhibited = new Map(
    [...inhibitions(detections, (serviceId) => writeReplicas.get(serviceId) ?? null)].map(([detection, { by }]) => [
      muteKey(detection.serviceId, detection.ruleId, detection.subject.key),
      inhibitionLabel(by),
    ]),
  );
  // An alert about no service has no policy window to wait out, and no maintenance window silences it.
  const changes = advanceAlerts(open.map(toOpenAlert), detections, now, {
    forSeconds: (serviceId) => (serviceId === null ? 0 : (policies.get(serviceId)?.document.alerts.forSeconds ?? 0)),
    muted: (alert, at) => {
      const window = alert.serviceId === null ? null : windowInForce(policies.get(alert.serviceId)?.document.maintenanceWindows ?? [], at);
      const silence = silenceOf(silences.silences, alert, silences.labelsOf, at);
      return muteOf({
        "maintenance-window": window && maintenanceLabel(window),
        silence: silence && silenceLabel(silence),
        inhibition: inhibited.get(muteKey(alert.serviceId, alert.ruleId, alert.subjectKey)) ?? null,
      });
    },
    maxGapMs: MAX_GAP_MS,
  });
  return { changes, open, policies };
}

/** What an evaluation did, for the loop to log and count. */
export interface AlertEvaluation {
  /** Every change decided, in the order written. */
  changes: AlertChange[];
  /** How many of `changes` are stored: all of them unless a batch failed. */
  written: number;
  /** Transactions committed. */
  batches: number;
  /** Transactions that failed, rolled back whole: the next evaluation decides their changes again from what is stored. */
  failedBatches: number;
}

/** Some batches of an evaluation failed (the others are stored); `evaluation` says how many, `errors` why. */
export class AlertBatchesFailedError extends Error {
  constructor(
    readonly evaluation: AlertEvaluation,
    readonly errors: readonly unknown[],
  ) {
    const total = evaluation.batches + evaluation.failedBatches;
    super(
      `${evaluation.failedBatches} of ${total} alert write batches failed, ${evaluation.changes.length - evaluation.written} changes left to the next evaluation: ${(errors[0] as Error)?.message ?? errors[0]}`,
      { cause: errors[0] },
    );
    this.name = "AlertBatchesFailedError";
  }
}

/**
 * One evaluation, its changes written in batches of at most
 * ALERT_BATCH_SIZE, each its own transaction under the alerting lease (whose
 * fencing token is checked there, so a copy that lost the lease cannot write
 * stale verdicts: LeaseLostError stops it at once). Changes are independent
 * of each other, so a batch that fails leaves the others standing; its
 * changes are decided again by the next evaluation from what is stored, and
 * AlertBatchesFailedError says so once every batch has been tried.
 */
export async function evaluateAlerts(lease: HeldLease, now = new Date()): Promise<AlertEvaluation> {
  const { changes, open, policies } = await decideAlerts(now);
  const byId = new Map(open.map((alert) => [alert.id, alert]));
  // Most evaluations only see conditions hold with the same sentence: one statement for all of them.
  const touched = changes.flatMap((change) => {
    if (change.kind !== "hold") return [];
    const alert = byId.get(change.alertId);
    return alert?.sentence === change.sentence && alert.maintenance === change.maintenance ? [change.alertId] : [];
  });
  const touchedIds = new Set(touched);
  const rest = changes.filter((change) => change.kind === "open" || !touchedIds.has(change.alertId));
  const batches: AlertChange[][] = [];
  for (let start = 0; start < rest.length; start += ALERT_BATCH_SIZE) batches.push(rest.slice(start, start + ALERT_BATCH_SIZE));
  if (batches.length === 0 && touched.length) batches.push([]);

  const evaluation: AlertEvaluation = { changes, written: 0, batches: 0, failedBatches: 0 };
  const errors: unknown[] = [];
  for (const [index, batch] of batches.entries()) {
    const seen = index === 0 ? touched : [];
    try {
      await db().$transaction(async (tx) => {
        await assertLeaseHeld(tx, lease);
        await writeAlertBatch(tx, batch, seen, { now, open: byId, policies });
      });
      evaluation.batches++;
      evaluation.written += batch.length + seen.length;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      evaluation.failedBatches++;
      errors.push(error);
    }
  }
  if (errors.length) throw new AlertBatchesFailedError(evaluation, errors);
  return evaluation;
}
