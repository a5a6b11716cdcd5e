import "server-only";
import { randomUUID } from "node:crypto";
import { decideOpen, titleOf, type IncidentSign } from "@/core/incidents/open-rules";
import { appendAuditEvents, type AuditActor, type AuditEventInput } from "../audit/append-audit-event";
import { lockAuditChain } from "../audit/chain-keying";
import type { Alert } from "../db/generated/client";
import type { Tx } from "../db/transaction";

const ALERTING: AuditActor = { type: "automation", id: null, label: "alerting" };
const AUTOMATION: AuditActor = { type: "automation", id: null, label: "automation" };

/** A sign with what it carries into the record: the first status update's note (or the attach event's reason), and what it points at. */
interface SignRecord {
  sign: IncidentSign;
  serviceId: string;
  actor: AuditActor;
  sentence: string;
  details: Record<string, unknown>;
}

/** The service's open incident, if any. Every incident writer holds the audit chain's lock first, so this read is not raced. */
export async function openIncidentOf(tx: Tx, serviceId: string): Promise<string | null> {
  const row = await tx.incidentService.findUnique({ where: { openForServiceId: serviceId }, select: { incidentId: true } });
  return row?.incidentId ?? null;
}

/** Per service: its open incident, and its oldest open alert's start (the earliest sign the record holds), in one statement. */
async function servicesNow(tx: Tx, serviceIds: readonly string[], now: Date) {
  const rows = await tx.$queryRaw<{ serviceId: string; incidentId: string | null; firstSignAt: Date | null }[]>`
    SELECT s.id AS "serviceId", i."incidentId",
           (SELECT min(a."startedAt") FROM "Alert" a WHERE a."serviceId" = s.id AND a.state <> 'resolved' AND a."startedAt" <= ${now}) AS "firstSignAt"
      FROM unnest(${serviceIds}::text[]) AS s(id)
      LEFT JOIN "IncidentService" i ON i."openForServiceId" = s.id`;
  return new Map(rows.map((row) => [row.serviceId, row]));
}

/**
 * Opens an incident for each sign that opens one, and attaches the others
 * to their service's open incident, as core/incidents/open-rules decides, in
 * the caller's transaction and in a fixed number of statements however many
 * signs (an evaluation may fire an alert on every replica at once): the
 * chain's lock, one read, one write. Returns the audit events to append.
 */
async function recordSigns(tx: Tx, records: readonly SignRecord[], now: Date): Promise<AuditEventInput[]> {
  // What never opens nor joins an incident costs nothing.
  const relevant = records.filter((record) => decideOpen(record.sign, false).outcome !== "ignore");
  if (!relevant.length) return [];
  // Incident writers take the chain's lock before reading incidents, so two writers never both open one for a service.
  await lockAuditChain(tx);
  const services = await servicesNow(tx, [...new Set(relevant.map((record) => record.serviceId))], now);
  const open = new Map([...services.values()].map((row) => [row.serviceId, row.incidentId]));
  const events: AuditEventInput[] = [];
  const incidents: object[] = [];
  const links: object[] = [];
  const updates: object[] = [];
  for (const record of relevant) {
    const openId = open.get(record.serviceId) ?? null;
    const decision = decideOpen(record.sign, openId !== null);
    const details = { rule: decision.rule, ruleSentence: decision.sentence, sign: record.sign.label, ...record.details };
    if (decision.outcome === "attach") {
      events.push({ actor: record.actor, action: "incident.attach", target: { type: "incident", id: openId }, serviceId: record.serviceId, reason: record.sentence, details });
      continue;
    }
    if (decision.outcome !== "open") continue;
    const id = randomUUID();
    const title = titleOf(record.sign);
    const firstSignAt = services.get(record.serviceId)?.firstSignAt ?? now;
    open.set(record.serviceId, id);
    incidents.push({ id, title, status: "investigating", openRule: decision.rule, openedByType: record.actor.type, openedById: record.actor.id, openedByLabel: record.actor.label, firstSignAt, openedAt: now, responderIds: [] });
    links.push({ incidentId: id, serviceId: record.serviceId, openForServiceId: record.serviceId, attachedAt: now });
    updates.push({ id: randomUUID(), incidentId: id, status: "investigating", note: record.sentence, authorType: record.actor.type, authorId: record.actor.id, authorLabel: record.actor.label, at: now });
    events.push({
      actor: record.actor,
      action: "incident.open",
      target: { type: "incident", id },
      serviceId: record.serviceId,
      reason: record.sentence,
      after: { title, status: "investigating", services: [record.serviceId] },
      details: { ...details, firstSignAt: new Date(firstSignAt).toISOString() },
    });
  }
  if (incidents.length) {
    // One statement for the three tables (foreign keys are checked at its end); rows go in as JSON arrays, as the alerts' own do.
    await tx.$executeRaw`
      WITH incident AS (
        INSERT INTO "Incident" (id, title, status, "openRule", "openedByType", "openedById", "openedByLabel", "firstSignAt", "openedAt", "responderIds")
        SELECT id, title, status, "openRule", "openedByType", "openedById", "openedByLabel", "firstSignAt", "openedAt", "responderIds"
          FROM jsonb_populate_recordset(NULL::"Incident", ${JSON.stringify(incidents)}::jsonb)
      ), link AS (
        INSERT INTO "IncidentService" ("incidentId", "serviceId", "openForServiceId", "attachedAt")
        SELECT "incidentId", "serviceId", "openForServiceId", "attachedAt" FROM jsonb_populate_recordset(NULL::"IncidentService", ${JSON.stringify(links)}::jsonb)
      )
      INSERT INTO "IncidentUpdate" (id, "incidentId", status, note, "authorType", "authorId", "authorLabel", at)
      SELECT id, "incidentId", status, note, "authorType", "authorId", "authorLabel", at FROM jsonb_populate_recordset(NULL::"IncidentUpdate", ${JSON.stringify(updates)}::jsonb)`;
  }
  return events;
}

/**
 * The alerting's hook: fired alerts of page level open or join their
 * service's incident, audited, in the batch's transaction after its own
 * writes.
 */
export async function openIncidentsForFiredAlerts(tx: Tx, fired: readonly Alert[], now: Date): Promise<void> {
  const records = fired.flatMap((alert): SignRecord[] =>
    alert.serviceId && alert.state === "firing"
      ? [
          {
            sign: { kind: "alert", serviceId: alert.serviceId, severity: alert.severity, inMaintenance: alert.maintenance !== null, label: `${alert.ruleId} on ${alert.subjectLabel}` },
            serviceId: alert.serviceId,
            actor: ALERTING,
            sentence: alert.sentence,
            details: { alertId: alert.id, alertRule: alert.ruleId },
          },
        ]
      : [],
  );
  await appendAuditEvents(tx, await recordSigns(tx, records, now));
}

/** The automation's hook: a failover run it starts opens or joins its service's incident, in the run's own transaction. */
export async function openIncidentForFailover(tx: Tx, failover: { runId: string; serviceId: string; ruleId: string; sentence: string }): Promise<void> {
  const record: SignRecord = {
    sign: { kind: "failover", serviceId: failover.serviceId, startedBy: "automation", label: failover.ruleId },
    serviceId: failover.serviceId,
    actor: AUTOMATION,
    sentence: failover.sentence,
    details: { runId: failover.runId, automationRule: failover.ruleId },
  };
  await appendAuditEvents(tx, await recordSigns(tx, [record], new Date()));
}
