import "server-only";
import { chainAuditEvents, chainKeyedEventBody, type AuditActorType, type AuditOutcome, type AuditEventBody, type ChainedAuditEvent } from "@/core/audit/chain";
import { toJsonValue } from "@/core/audit/canonical-json";
import type { AuditAction } from "@/contracts/audit";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { auditChainKey, chainKeyingForAppend, lockAuditChain } from "./chain-keying";

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

/**
 * Appends events to the hash chain inside the caller's transaction, in the
 * order given, so they exist exactly when the change they describe does.
 * Appends from every control-plane copy are serialised by a
 * transaction-scoped advisory lock, which keeps the chain linear; call this
 * last in the transaction so the lock is held briefly. However many events,
 * it costs the lock, one read of the chain's head and one INSERT. Every hash
 * is keyed (server/audit/chain-keying.ts); the first append after the key
 * was made writes the `audit.chain_keyed` event before the caller's events.
 */
export async function appendAuditEvents(tx: Tx, inputs: readonly AuditEventInput[]): Promise<ChainedAuditEvent[]> {
  if (inputs.length === 0) return [];
  const key = auditChainKey();
  await lockAuditChain(tx);
  const head = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const { keying, startsKeyedPart } = await chainKeyingForAppend(tx, key, head);
  const at = new Date();
  const bodies: Omit<AuditEventBody, "seq">[] = inputs.map((input) => ({
    at,
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
  }));
  if (startsKeyedPart) bodies.unshift(chainKeyedEventBody(keying.key, keying.keyedFromSeq - 1n, at));
  const events = chainAuditEvents(keying.key, head, bodies);
  // One statement for the lot, the rows as one JSON array (Prisma's createMany spent several times the
  // database's own work on them). A JSON null becomes SQL NULL, as the JSON columns have always held it.
  const rows = events.map((event) => ({ ...event, seq: event.seq.toString() }));
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" (seq, at, "actorType", "actorId", "actorLabel", "sourceIp", action, "targetType", "targetId", "serviceId", outcome, reason,
                              before, after, details, "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", hash)
    SELECT seq, at, "actorType", "actorId", "actorLabel", "sourceIp", action, "targetType", "targetId", "serviceId", outcome, reason,
           before, after, details, "runId", "stepRunId", "policyVersionId", "changeRequestId", "prevHash", hash
      FROM jsonb_populate_recordset(NULL::"AuditEvent", ${JSON.stringify(rows)}::jsonb)`;
  return startsKeyedPart ? events.slice(1) : events;
}

/** Appends one event; see `appendAuditEvents`. */
export async function appendAuditEvent(tx: Tx, input: AuditEventInput): Promise<ChainedAuditEvent> {
  const [event] = await appendAuditEvents(tx, [input]);
  return event!;
}

/** Records an event that accompanies no other change (e.g. a refused sign-in). */
export async function recordAuditEvent(input: AuditEventInput): Promise<ChainedAuditEvent> {
  return db().$transaction((tx) => appendAuditEvent(tx, input));
}
