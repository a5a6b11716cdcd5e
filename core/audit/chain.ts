import { createHash, createHmac } from "node:crypto";
import { canonicalJson, type JsonValue } from "./canonical-json";

/** The hash every chain starts from. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The action of the event from which the chain is keyed. Events before it
 * were hashed without a key (by versions before the chain had one); it and
 * every event after it are keyed.
 */
export const CHAIN_KEYED_ACTION = "audit.chain_keyed";

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

/** The secret the chain is keyed with (kept outside the store) and the id events and checkpoints name it by. */
export interface ChainKey {
  id: string;
  secret: Buffer;
}

/**
 * Where the chain is keyed from: the event at `keyedFromSeq` is the
 * `audit.chain_keyed` event naming `key`; events before it keep the unkeyed
 * rule they were written with. The position comes from outside the store
 * (see server/audit/chain-keying.ts), so rewriting the store cannot move it.
 */
export interface ChainKeying {
  key: ChainKey;
  keyedFromSeq: bigint;
}

/** A short public name for a key that says nothing about it: HMAC of a fixed label, 16 hex digits. */
export function chainKeyId(secret: Buffer): string {
  return createHmac("sha256", secret).update("switchyard audit chain key id").digest("hex").slice(0, 16);
}

export function chainKeyOf(secret: Buffer): ChainKey {
  return { id: chainKeyId(secret), secret };
}

function hashedForm(body: AuditEventBody): string {
  return canonicalJson({
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
  });
}

/** hash = HMAC-SHA-256(key, previous hash + canonical JSON of the event), hex: only the key's holder can make one. */
export function keyedAuditHash(key: ChainKey, prevHash: string, body: AuditEventBody): string {
  return createHmac("sha256", key.secret).update(prevHash).update(hashedForm(body)).digest("hex");
}

/** hash = SHA-256(previous hash + canonical JSON of the event), hex: the rule of events written before the chain was keyed. */
export function unkeyedAuditHash(prevHash: string, body: AuditEventBody): string {
  return createHash("sha256").update(prevHash).update(hashedForm(body)).digest("hex");
}

export interface ChainHead {
  seq: bigint;
  hash: string;
}

/** Links a new event after `head` (null for the first event of the chain), keyed. */
export function chainAuditEvent(key: ChainKey, head: ChainHead | null, body: Omit<AuditEventBody, "seq">): ChainedAuditEvent {
  const prevHash = head?.hash ?? GENESIS_HASH;
  const full: AuditEventBody = { ...body, seq: (head?.seq ?? 0n) + 1n };
  return { ...full, prevHash, hash: keyedAuditHash(key, prevHash, full) };
}

/** Links events after `head` in the order given, each after the one before it, keyed. */
export function chainAuditEvents(key: ChainKey, head: ChainHead | null, bodies: readonly Omit<AuditEventBody, "seq">[]): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  for (const body of bodies) events.push(chainAuditEvent(key, events.at(-1) ?? head, body));
  return events;
}

/** The body of the event that starts the keyed part of a chain whose unkeyed part ends at `unkeyedThroughSeq`. */
export function chainKeyedEventBody(key: ChainKey, unkeyedThroughSeq: bigint, at: Date): Omit<AuditEventBody, "seq"> {
  return {
    at,
    actorType: "system",
    actorId: null,
    actorLabel: "system",
    sourceIp: null,
    action: CHAIN_KEYED_ACTION,
    targetType: "audit_chain",
    targetId: null,
    serviceId: null,
    outcome: "success",
    reason: unkeyedThroughSeq > 0n ? `events up to #${unkeyedThroughSeq} keep their unkeyed hashes; from this event on, every hash is keyed` : "every hash of this chain is keyed",
    before: null,
    after: null,
    details: { rule: "hmac-sha256", keyId: key.id, unkeyedThroughSeq: unkeyedThroughSeq.toString() },
    runId: null,
    stepRunId: null,
    policyVersionId: null,
    changeRequestId: null,
  };
}

/**
 * Whether `event` is the keyed start of the chain made with `key`: the right
 * action naming the key, hashed with it. Anything else at that position means
 * the keyed part was removed or rewritten.
 */
export function isChainKeyedEvent(event: ChainedAuditEvent, key: ChainKey): boolean {
  const details = event.details as { keyId?: unknown } | null;
  return event.action === CHAIN_KEYED_ACTION && details?.keyId === key.id && keyedAuditHash(key, event.prevHash, event) === event.hash;
}

/**
 * Why a chain breaks at an event:
 * - `sequence_gap`: an event is missing;
 * - `link_mismatch`: an event does not name the hash of the one before it;
 * - `hash_mismatch`: an event's hash is not its content's under the rule of its position;
 * - `rehashed_without_key`: a keyed-position event carries an unkeyed hash (someone without the key edited it and re-hashed);
 * - `not_keyed`: the event where the keyed part starts is not the `audit.chain_keyed` event of this key;
 * - `truncated`: the chain ends before the position where it was keyed.
 */
export type ChainProblem = "sequence_gap" | "link_mismatch" | "hash_mismatch" | "rehashed_without_key" | "not_keyed" | "truncated";

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

function eventProblem(event: ChainedAuditEvent, keying: ChainKeying): ChainProblem | null {
  if (event.seq < keying.keyedFromSeq) return unkeyedAuditHash(event.prevHash, event) === event.hash ? null : "hash_mismatch";
  if (event.seq === keying.keyedFromSeq && !isChainKeyedEvent(event, keying.key)) return "not_keyed";
  if (keyedAuditHash(keying.key, event.prevHash, event) === event.hash) return null;
  return unkeyedAuditHash(event.prevHash, event) === event.hash ? "rehashed_without_key" : "hash_mismatch";
}

/**
 * Verifies events (ordered by seq) that continue the chain at `cursor`. A
 * deleted event shows as a sequence gap, an edited one as a hash mismatch.
 * Before `keying.keyedFromSeq` the unkeyed rule applies, so an event edited
 * there and re-hashed links up, until the keyed event that starts the keyed
 * part, whose key-made hash covers the last unkeyed one. From there on no
 * one without the key can make a hash that verifies, and the unkeyed rule is
 * never accepted: the position comes from outside the store.
 */
export function verifyAuditSegment(events: readonly ChainedAuditEvent[], cursor: ChainCursor, keying: ChainKeying): SegmentVerification {
  let current = cursor;
  for (const event of events) {
    const expectedSeq = current.seq + 1n;
    if (event.seq !== expectedSeq) {
      return { intact: false, cursor: current, brokenAtSeq: expectedSeq, problem: "sequence_gap" };
    }
    if (event.prevHash !== current.hash) {
      return { intact: false, cursor: current, brokenAtSeq: event.seq, problem: "link_mismatch" };
    }
    const problem = eventProblem(event, keying);
    if (problem) return { intact: false, cursor: current, brokenAtSeq: event.seq, problem };
    current = { seq: event.seq, hash: event.hash, count: current.count + 1 };
  }
  return { intact: true, cursor: current };
}

/**
 * The end of a walk: a chain may end just before its keyed event (none has
 * been appended since the key was made), but one that ends earlier lost
 * events that were there when the key was made.
 */
export function verifyChainEnd(cursor: ChainCursor, keying: ChainKeying): SegmentVerification {
  if (cursor.seq + 1n < keying.keyedFromSeq) return { intact: false, cursor, brokenAtSeq: cursor.seq + 1n, problem: "truncated" };
  return { intact: true, cursor };
}
