import "server-only";
import { chainAuditEvent, type AuditActorType, type AuditOutcome, type ChainedAuditEvent } from "@/core/audit/chain";
import { toJsonValue, type JsonValue } from "@/core/audit/canonical-json";
import type { AuditAction } from "@/contracts/audit";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { Tx } from "../db/transaction";

/** Who did it, and from where. */
export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  label: string;
  ip?: string | null;
}

export interface AuditEventInput {
  actor: AuditActor;
  action: AuditAction;
  target: { type: string; id?: string | null };
  serviceId?: string | null;
  outcome?: AuditOutcome;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  details?: unknown;
  runId?: string | null;
  stepRunId?: string | null;
  policyVersionId?: string | null;
  changeRequestId?: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { type: "system", id: null, label: "system" };

// Any constant works; it only has to be the same in every control-plane copy.
const AUDIT_APPEND_LOCK = 0x5357_4144; // "SWAD"

function jsonColumn(value: JsonValue): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/**
 * Appends one event to the hash chain inside the caller's transaction, so the
 * event exists exactly when the change it describes does. Appends from every
 * control-plane copy are serialised by a transaction-scoped advisory lock,
 * which keeps the chain linear; call this last in the transaction so the lock
 * is held briefly.
 */
export async function appendAuditEvent(tx: Tx, input: AuditEventInput): Promise<ChainedAuditEvent> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK}::bigint)`;
  const head = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const event = chainAuditEvent(head, {
    at: new Date(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    actorLabel: input.actor.label,
    sourceIp: input.actor.ip ?? null,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id ?? null,
    serviceId: input.serviceId ?? null,
    outcome: input.outcome ?? "success",
    reason: input.reason ?? null,
    before: toJsonValue(input.before),
    after: toJsonValue(input.after),
    details: toJsonValue(input.details),
    runId: input.runId ?? null,
    stepRunId: input.stepRunId ?? null,
    policyVersionId: input.policyVersionId ?? null,
    changeRequestId: input.changeRequestId ?? null,
  });
  await tx.auditEvent.create({
    data: {
      ...event,
      before: jsonColumn(event.before),
      after: jsonColumn(event.after),
      details: jsonColumn(event.details),
    },
  });
  return event;
}

/** Records an event that accompanies no other change (e.g. a refused sign-in). */
export async function recordAuditEvent(input: AuditEventInput): Promise<ChainedAuditEvent> {
  return db().$transaction((tx) => appendAuditEvent(tx, input));
}
