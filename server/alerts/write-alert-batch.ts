import "server-only";
import { randomUUID } from "node:crypto";
import { ruleById } from "@/core/alerts/alert-rules";
import type { AlertChange } from "@/core/alerts/alert-window";
import { appendAuditEvents, type AuditActor, type AuditEventInput } from "../audit/append-audit-event";
import type { Alert } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import type { PolicyInForce } from "@/core/topology/service-topology";
import { openIncidentsForFiredAlerts } from "../incidents/incident-signs";
import { enqueueGroupNotifications } from "./enqueue-group-notifications";

const ALERTING: AuditActor = { type: "automation", id: null, label: "alerting" };

/** What every batch of one evaluation shares. */
export interface AlertBatchContext {
  now: Date;
  /** The open alerts as the evaluation read them, by id. */
  open: ReadonlyMap<string, Alert>;
  policies: ReadonlyMap<string, PolicyInForce>;
}

/** The policy in force for an alert's service; none for an alert about no service. */
const policyOf = (policies: ReadonlyMap<string, PolicyInForce>, serviceId: string | null) => (serviceId === null ? undefined : policies.get(serviceId));

/** A firing or resolution people hear about. */
interface Announcement {
  alert: Alert;
  event: "fire" | "resolve";
  afterMaintenance: boolean;
}

/** The alert a condition that starts holding raises. */
function opened(change: Extract<AlertChange, { kind: "open" }>, version: number | null, now: Date): Alert {
  return {
    id: randomUUID(),
    ruleId: change.ruleId,
    subjectKey: change.subject.key,
    subjectLabel: change.subject.label,
    serviceId: change.serviceId,
    replicaId: change.subject.replicaId,
    severity: ruleById(change.ruleId).severity,
    state: change.state,
    sentence: change.sentence,
    policyVersion: version,
    startedAt: now,
    lastSeenAt: now,
    firedAt: change.state === "firing" ? now : null,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeNote: null,
    maintenance: change.maintenance,
  };
}

/** An open alert as `change` leaves it. */
function changed(previous: Alert, change: Exclude<AlertChange, { kind: "open" }>, version: number | null, now: Date): Alert {
  switch (change.kind) {
    case "hold":
    case "release":
      return { ...previous, sentence: change.sentence, lastSeenAt: now, policyVersion: version, maintenance: change.maintenance };
    case "restart":
      return { ...previous, sentence: change.sentence, startedAt: now, lastSeenAt: now, policyVersion: version, maintenance: change.maintenance };
    case "fire":
      return { ...previous, state: "firing", sentence: change.sentence, firedAt: now, lastSeenAt: now, policyVersion: version, maintenance: change.maintenance };
    case "resolve":
      return { ...previous, state: "resolved", resolvedAt: now };
  }
}

/**
 * Firing and resolving are what people hear about: audited, and queued for
 * every webhook (grouped by service), except for an alert raised muted (in a
 * maintenance window, silenced, inhibited: marked so), which is audited with
 * what muted it and sent nowhere.
 */
function auditOf({ alert, event, afterMaintenance }: Announcement, policyVersionId: string | null): AuditEventInput {
  return {
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
      ...(alert.maintenance ? { notSent: `${alert.maintenance.startsWith("inhibited") ? "" : "raised in a "}${alert.maintenance}: not sent to webhooks` } : {}),
      ...(afterMaintenance ? { afterMaintenance: "still firing when nothing muted it any more (its maintenance window ended, its silence expired or its inhibiting alert resolved): announced now" } : {}),
    },
    policyVersionId,
  };
}

/**
 * Writes some of one evaluation's changes inside the caller's transaction,
 * in a fixed number of statements however many there are: the new alerts in
 * one INSERT, the changed ones in one UPDATE, their groups' notifications in
 * one read and one upsert, and their audit events in one more (last, so the audit chain's lock
 * is held briefly). Rows go in as one JSON array each: Prisma's createMany
 * spent about 0.25 ms of this process's CPU per row, several times the
 * database's own work (bench:alerts). `touched` are alerts whose condition
 * merely still holds: only seen again.
 */
export async function writeAlertBatch(tx: Tx, changes: readonly AlertChange[], touched: readonly string[], { now, open, policies }: AlertBatchContext): Promise<void> {
  if (touched.length) await tx.alert.updateMany({ where: { id: { in: [...touched] } }, data: { lastSeenAt: now } });

  const created: Alert[] = [];
  const updated: Alert[] = [];
  const announcements: Announcement[] = [];
  for (const change of changes) {
    if (change.kind === "open") {
      const alert = opened(change, policyOf(policies, change.serviceId)?.version ?? null, now);
      created.push(alert);
      if (alert.state === "firing") announcements.push({ alert, event: "fire", afterMaintenance: false });
      continue;
    }
    const previous = open.get(change.alertId)!;
    const alert = changed(previous, change, policyOf(policies, previous.serviceId)?.version ?? null, now);
    updated.push(alert);
    if (change.kind === "fire" || change.kind === "release") announcements.push({ alert, event: "fire", afterMaintenance: change.kind === "release" });
    // A pending alert that clears was a blip: kept for the record, told to nobody.
    if (change.kind === "resolve" && change.wasFiring) announcements.push({ alert, event: "resolve", afterMaintenance: false });
  }

  if (created.length) {
    await tx.$executeRaw`
      INSERT INTO "Alert" (id, "ruleId", "subjectKey", "subjectLabel", "serviceId", "replicaId", severity, state, sentence, "policyVersion", "startedAt", "lastSeenAt", "firedAt", maintenance)
      SELECT id, "ruleId", "subjectKey", "subjectLabel", "serviceId", "replicaId", severity, state, sentence, "policyVersion", "startedAt", "lastSeenAt", "firedAt", maintenance
        FROM jsonb_populate_recordset(NULL::"Alert", ${JSON.stringify(created)}::jsonb)`;
  }
  if (updated.length) {
    const count = await tx.$executeRaw`
      UPDATE "Alert" a
         SET state = c.state, sentence = c.sentence, "policyVersion" = c."policyVersion", "startedAt" = c."startedAt",
             "lastSeenAt" = c."lastSeenAt", "firedAt" = c."firedAt", "resolvedAt" = c."resolvedAt", maintenance = c.maintenance
        FROM jsonb_populate_recordset(NULL::"Alert", ${JSON.stringify(updated)}::jsonb) AS c
       WHERE a.id = c.id`;
    // An alert gone since it was read (its service deleted): nothing here may be announced; the next evaluation starts from what is stored.
    if (count !== updated.length) throw new Error(`${updated.length - count} of ${updated.length} changed alerts are no longer stored`);
  }

  await enqueueGroupNotifications(tx, announcements.filter(({ alert }) => !alert.maintenance), now);
  await appendAuditEvents(
    tx,
    announcements.map((announcement) => auditOf(announcement, policyOf(policies, announcement.alert.serviceId)?.versionId ?? null)),
  );
  await openIncidentsForFiredAlerts(tx, announcements.filter(({ event }) => event === "fire").map(({ alert }) => alert), now);
}
