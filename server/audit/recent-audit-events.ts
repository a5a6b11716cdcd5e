import "server-only";
import { db } from "../db/client";

export interface AuditEventRow {
  seq: number;
  at: string;
  actorType: string;
  actorLabel: string;
  sourceIp: string | null;
  action: string;
  target: string;
  outcome: string;
  reason: string | null;
  hash: string;
}

export async function recentAuditEvents(limit = 50): Promise<AuditEventRow[]> {
  const events = await db().auditEvent.findMany({ orderBy: { seq: "desc" }, take: limit });
  return events.map((event) => ({
    seq: Number(event.seq),
    at: event.at.toISOString(),
    actorType: event.actorType,
    actorLabel: event.actorLabel,
    sourceIp: event.sourceIp,
    action: event.action,
    target: event.targetId ? `${event.targetType}:${event.targetId}` : event.targetType,
    outcome: event.outcome,
    reason: event.reason,
    hash: event.hash,
  }));
}
