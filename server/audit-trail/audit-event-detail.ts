import "server-only";
import type { AuditEventDetail, RelatedAuditEvent } from "@/contracts/audit-query";
import { toJsonValue } from "@/core/audit/canonical-json";
import { diffJson } from "@/core/audit/json-diff";
import type { UserActor } from "../auth/actor";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";
import { NotFoundError } from "../errors";
import { EVENT_COLUMNS, eventView, type EventRow } from "./audit-event-rows";
import { recordAuditView } from "./record-audit-access";

const RELATED_LIMIT = 100;

interface RelatedRow extends Omit<RelatedAuditEvent, "seq" | "at"> {
  seq: string;
  at: Date;
}

/** `where` numbers its parameters from $2; $1 is the limit. */
async function related(where: string, values: unknown[], order: "ASC" | "DESC"): Promise<RelatedAuditEvent[]> {
  const { rows } = await sqlPool().query<RelatedRow>(
    `SELECT seq::text AS seq, at, "actorLabel", action, "targetType", "targetId", outcome::text AS outcome, reason
       FROM "AuditEvent" WHERE ${where} ORDER BY "AuditEvent".seq ${order} LIMIT $1`,
    [RELATED_LIMIT, ...values],
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq), at: row.at.toISOString() }));
}

export async function auditEventDetail(seq: number): Promise<AuditEventDetail> {
  const { rows } = await sqlPool().query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM "AuditEvent" WHERE seq = $1`, [seq]);
  const row = rows[0];
  if (!row) throw new NotFoundError(`No audit event #${seq}.`);
  const event = eventView(row);
  const [policyVersion, run, step, runEvents, changeRequestEvents, targetEvents] = await Promise.all([
    event.policyVersionId ? db().policyVersion.findUnique({ where: { id: event.policyVersionId } }) : null,
    event.runId ? db().run.findUnique({ where: { id: event.runId } }) : null,
    event.stepRunId ? db().stepRun.findUnique({ where: { id: event.stepRunId } }) : null,
    event.runId ? related(`"runId" = $2`, [event.runId], "ASC") : [],
    event.changeRequestId ? related(`"changeRequestId" = $2`, [event.changeRequestId], "ASC") : [],
    event.targetId ? related(`"targetType" = $2 AND "targetId" = $3 AND seq <> $4`, [event.targetType, event.targetId, seq], "DESC") : [],
  ]);
  return {
    event,
    diff: diffJson(toJsonValue(event.before), toJsonValue(event.after)),
    policyVersion: policyVersion && {
      id: policyVersion.id,
      policyId: policyVersion.policyId,
      version: policyVersion.version,
      createdAt: policyVersion.createdAt.toISOString(),
      emergency: policyVersion.emergency,
      changeRequestId: policyVersion.changeRequestId,
    },
    run: run && { id: run.id, runbookId: run.runbookId, serviceId: run.serviceId, mode: run.mode, status: run.status, reason: run.reason, createdAt: run.createdAt.toISOString() },
    step: step && { id: step.id, stepId: step.stepId, title: step.title, kind: step.kind, phase: step.phase, state: step.state, attempts: step.attempts },
    related: { run: runEvents, changeRequest: changeRequestEvents, target: targetEvents },
  };
}

export async function auditEventDetailAs(actor: UserActor, seq: number): Promise<AuditEventDetail> {
  const detail = await auditEventDetail(seq);
  await recordAuditView(actor, { seq });
  return detail;
}
