import { createHash } from "node:crypto";
import { canonicalJson, type JsonValue } from "./canonical-json";

/** The hash every chain starts from. */
export const GENESIS_HASH = "0".repeat(64);

export type AuditActorType = "user" | "agent" | "system" | "automation";
export type AuditOutcome = "success" | "failure";

/** Everything an audit event says; all of it is covered by the hash. */
export interface AuditEventBody {
  seq: bigint;
  at: Date;
  actorType: AuditActorType;
  actorId: string | null;
  actorLabel: string;
  sourceIp: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  serviceId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  before: JsonValue;
  after: JsonValue;
  details: JsonValue;
  runId: string | null;
  stepRunId: string | null;
  policyVersionId: string | null;
  changeRequestId: string | null;
}

export interface ChainedAuditEvent extends AuditEventBody {
  prevHash: string;
  hash: string;
}

function hashedForm(body: AuditEventBody): JsonValue {
  return {
    seq: body.seq.toString(),
    at: body.at.toISOString(),
    actorType: body.actorType,
    actorId: body.actorId,
    actorLabel: body.actorLabel,
    sourceIp: body.sourceIp,
    action: body.action,
    targetType: body.targetType,
    targetId: body.targetId,
    serviceId: body.serviceId,
    outcome: body.outcome,
    reason: body.reason,
    before: body.before,
    after: body.after,
    details: body.details,
    runId: body.runId,
    stepRunId: body.stepRunId,
    policyVersionId: body.policyVersionId,
    changeRequestId: body.changeRequestId,
  };
}

/** hash = SHA-256(previous hash + canonical JSON of the event), hex. */
export function hashAuditEvent(prevHash: string, body: AuditEventBody): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(hashedForm(body))).digest("hex");
}

export interface ChainHead {
  seq: bigint;
  hash: string;
}

/** Links a new event after `head` (null for the first event of the chain). */
export function chainAuditEvent(
  head: ChainHead | null,
  body: Omit<AuditEventBody, "seq">,
): ChainedAuditEvent {
  const prevHash = head?.hash ?? GENESIS_HASH;
  const full: AuditEventBody = { ...body, seq: (head?.seq ?? 0n) + 1n };
  return { ...full, prevHash, hash: hashAuditEvent(prevHash, full) };
}

/** Links events after `head` in the order given, each after the one before it. */
export function chainAuditEvents(head: ChainHead | null, bodies: readonly Omit<AuditEventBody, "seq">[]): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  for (const body of bodies) events.push(chainAuditEvent(events.at(-1) ?? head, body));
  return events;
}

export type ChainProblem = "sequence_gap" | "link_mismatch" | "hash_mismatch";

/** Where a verification walk stands: the last event found intact. */
export interface ChainCursor {
  seq: bigint;
  hash: string;
  count: number;
}

export const CHAIN_START: ChainCursor = { seq: 0n, hash: GENESIS_HASH, count: 0 };

export type SegmentVerification =
  | { intact: true; cursor: ChainCursor }
  | { intact: false; cursor: ChainCursor; brokenAtSeq: bigint; problem: ChainProblem };

/**
 * Verifies events (ordered by seq) that continue the chain at `cursor`. A
 * deleted event shows as a sequence gap, an edited one as a hash mismatch, an
 * event re-hashed by whoever edited it as a broken link in the event after it.
 */
export function verifyAuditSegment(events: readonly ChainedAuditEvent[], cursor: ChainCursor): SegmentVerification {
  let current = cursor;
  for (const event of events) {
    const expectedSeq = current.seq + 1n;
    if (event.seq !== expectedSeq) {
      return { intact: false, cursor: current, brokenAtSeq: expectedSeq, problem: "sequence_gap" };
    }
    if (event.prevHash !== current.hash) {
      return { intact: false, cursor: current, brokenAtSeq: event.seq, problem: "link_mismatch" };
    }
    if (hashAuditEvent(event.prevHash, event) !== event.hash) {
      return { intact: false, cursor: current, brokenAtSeq: event.seq, problem: "hash_mismatch" };
    }
    current = { seq: event.seq, hash: event.hash, count: current.count + 1 };
  }
  return { intact: true, cursor: current };
}
