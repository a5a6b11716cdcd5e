import "server-only";
import { decideOpen, titleOf, type IncidentSign, type OpenDecision } from "@/core/incidents/open-rules";
import { appendAuditEvents, type AuditActor } from "../audit/append-audit-event";
import { lockAuditChain } from "../audit/chain-keying";
import type { Alert } from "../db/generated/client";
import type { Tx } from "../db/transaction";

const ALERTING: AuditActor = { type: "automation", id: null, label: "alerting" };
const AUTOMATION: AuditActor = { type: "automation", id: null, label: "automation" };

/** What a sign carries into the record besides its rule: the note of the first status update, and what it points at. */
interface SignRecord {
  sign: IncidentSign;
  serviceId: string;
  actor: AuditActor;
  /** The first status update's note when it opens one; the attach event's reason otherwise. */
  sentence: string;
  details: Record<string, unknown>;
}

/** The service's open incident, if any. Every incident writer holds the audit chain's lock first, so this read is not raced. */
export async function openIncidentOf(tx: Tx, serviceId: string): Promise<string | null> {
  const row = await tx.incidentService.findUnique({ where: { openForServiceId: serviceId }, select: { incidentId: true } });
  return row?.incidentId ?? null;
}

/** The earliest sign the record holds for the service: its oldest open alert's start, or `now`. */
async function firstSignOf(tx: Tx, serviceId: string, now: Date): Promise<Date> {
  const oldest = await tx.alert.findFirst({ where: { serviceId, state: { not: "resolved" }, startedAt: { lte: now } }, orderBy: { startedAt: "asc" }, select: { startedAt: true } });
  return oldest?.startedAt ?? now;
}

/**
 * Opens an incident for a sign, or attaches the sign to the service's open
 * one, as core/incidents/open-rules decides; audited in the caller's
 * transaction. Returns the incident's id, or null when the sign does nothing.
 */
async function recordSign(tx: Tx, record: SignRecord, now: Date): Promise<{ incidentId: string | null; decision: OpenDecision }> {
  // Incident writers take the chain's lock before reading incidents, so two writers never both open one for a service.
  await lockAuditChain(tx);
  const openId = await openIncidentOf(tx, record.serviceId);
  const decision = decideOpen(record.sign, openId !== null);
  if (decision.outcome === "ignore" || decision.outcome === "refuse") return { incidentId: null, decision };
  if (decision.outcome === "attach") {
    await appendAuditEvents(tx, [
      {
        actor: record.actor,
        action: "incident.attach",
        target: { type: "incident", id: openId },
        serviceId: record.serviceId,
        reason: record.sentence,
        details: { rule: decision.rule, ruleSentence: decision.sentence, sign: record.sign.label, ...record.details },
      },
    ]);
    return { incidentId: openId, decision };
  }
  const incident = await tx.incident.create({
    data: {
      title: titleOf(record.sign),
      openRule: decision.rule,
      openedByType: record.actor.type,
      openedById: record.actor.id,
      openedByLabel: record.actor.label,
      firstSignAt: await firstSignOf(tx, record.serviceId, now),
      openedAt: now,
      services: { create: [{ serviceId: record.serviceId, openForServiceId: record.serviceId, attachedAt: now }] },
      updates: { create: [{ status: "investigating", note: record.sentence, authorType: record.actor.type, authorId: record.actor.id, authorLabel: record.actor.label, at: now }] },
    },
  });
  await appendAuditEvents(tx, [
    {
      actor: record.actor,
      action: "incident.open",
      target: { type: "incident", id: incident.id },
      serviceId: record.serviceId,
      reason: record.sentence,
      after: { title: incident.title, status: incident.status, services: [record.serviceId] },
      details: { rule: decision.rule, ruleSentence: decision.sentence, sign: record.sign.label, firstSignAt: incident.firstSignAt.toISOString(), ...record.details },
    },
  ]);
  return { incidentId: incident.id, decision };
}

/**
 * The alerting's hook: fired alerts of page level open or join their
 * service's incident. Called once per alert batch, after its own writes.
 */
export async function openIncidentsForFiredAlerts(tx: Tx, fired: readonly Alert[], now: Date): Promise<void> {
  for (const alert of fired) {
    if (!alert.serviceId || alert.state !== "firing") continue;
    const sign: IncidentSign = { kind: "alert", serviceId: alert.serviceId, severity: alert.severity, inMaintenance: alert.maintenance !== null, label: `${alert.ruleId} on ${alert.subjectLabel}` };
    if (decideOpen(sign, false).outcome === "ignore") continue;
    await recordSign(tx, { sign, serviceId: alert.serviceId, actor: ALERTING, sentence: alert.sentence, details: { alertId: alert.id, alertRule: alert.ruleId } }, now);
  }
}

/** The automation's hook: a failover run it starts opens or joins its service's incident, in the run's own transaction. */
export async function openIncidentForFailover(tx: Tx, failover: { runId: string; serviceId: string; ruleId: string; sentence: string }): Promise<void> {
  const sign: IncidentSign = { kind: "failover", serviceId: failover.serviceId, startedBy: "automation", label: failover.ruleId };
  await recordSign(tx, { sign, serviceId: failover.serviceId, actor: AUTOMATION, sentence: failover.sentence, details: { runId: failover.runId, automationRule: failover.ruleId } }, new Date());
}
