import { createHash, sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson, type JsonValue } from "./canonical-json";
import type { ChainProblem } from "./chain";

/** What a reviewer, or a place off the box it is published to, keeps to prove later that nothing up to `seq` was rewritten. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  /** Events in the chain through `seq` (sequence numbers are gapless from 1). */
  count: number;
  /** When the event at `seq` was recorded. */
  at: string;
  /** Where the chain is keyed from (see core/audit/chain.ts), so that a later verification notices if that moved. */
  keyedFromSeq: number;
  /** The id of the key the chain is keyed with (not the key). */
  chainKeyId: string;
}

/** A checkpoint signed with the audit checkpoint key, which `keyId` names. */
export interface SignedAuditCheckpoint extends AuditCheckpoint {
  keyId: string;
  /** Ed25519, base64, over the canonical JSON of every other field. */
  signature: string;
}

/** 16 hex digits of the SHA-256 of the public key's SPKI DER. */
export function checkpointKeyId(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

/** The exact form the signature covers (canonical JSON of it). */
export function checkpointSigningForm(checkpoint: AuditCheckpoint, keyId: string): JsonValue {
  const { seq, hash, count, at, keyedFromSeq, chainKeyId } = checkpoint;
  return { seq, hash, count, at, keyedFromSeq, chainKeyId, keyId };
}

export function signCheckpoint(checkpoint: AuditCheckpoint, privateKey: KeyObject, keyId: string): SignedAuditCheckpoint {
  const signature = sign(null, Buffer.from(canonicalJson(checkpointSigningForm(checkpoint, keyId))), privateKey).toString("base64");
  const { seq, hash, count, at, keyedFromSeq, chainKeyId } = checkpoint;
  return { seq, hash, count, at, keyedFromSeq, chainKeyId, keyId, signature };
}

/** Whether the document was signed by this key: it names the key, and the signature covers every field. */
export function checkpointSignedBy(document: SignedAuditCheckpoint, publicKey: KeyObject): boolean {
  if (document.keyId !== checkpointKeyId(publicKey)) return false;
  return verify(null, Buffer.from(canonicalJson(checkpointSigningForm(document, document.keyId))), publicKey, Buffer.from(document.signature, "base64"));
}

/** A checkpoint to compare the store with: one a reviewer kept, or one read back from where it was published. */
export interface CheckpointReference {
  /** Where it comes from: `request`, or a sink such as `file`. */
  source: string;
  seq: number;
  hash: string;
  /** When the event at seq was recorded; null when only the seq and hash were given. */
  at: string | null;
  keyedFromSeq: number | null;
}

/** What the store holds, as read for one reference. */
export interface StoreAtCheckpoint {
  headSeq: number;
  keyedFromSeq: number;
  /** The hash of the event now at the reference's seq; null when there is none. */
  hashAtSeq: string | null;
  /** The highest seq below the reference's of another reference that matches; 0 when none. */
  provenThroughSeq: number;
  /**
   * The first event after `provenThroughSeq` and up to the reference's seq
   * that was recorded later than the reference's `at`; null when there is
   * none, or `at` is unknown.
   */
  firstRecordedAfterSeq: number | null;
}

export type CheckpointCheck =
  | { source: string; matches: true; seq: number; expectedHash: string; foundHash: string }
  | { source: string; matches: false; seq: number; expectedHash: string; foundHash: string | null; brokenAtSeq: number; reason: string };

/**
 * Compares the store with a kept checkpoint. Each hash covers every event
 * before it, so a match proves the whole prefix unchanged even if someone
 * re-hashed the chain after rewriting it. A mismatch also says how far the
 * chain is still the one the checkpoint covered:
 * - an event the chain holds at or below the checkpoint's seq but recorded
 *   after the checkpoint was taken is not one it covered: the events from
 *   there on were removed and the chain went on without them;
 * - otherwise, a chain that now ends before the checkpoint lost its tail;
 * - otherwise (the events are as old as the checkpoint but hash differently),
 *   nothing past the last matching checkpoint is proven.
 * Recording times come from the control plane's clocks: with copies whose
 * clocks differ, the first removed event may be placed up to that
 * difference off. Whether there was tampering never depends on them.
 */
export function checkCheckpoint(reference: CheckpointReference, store: StoreAtCheckpoint): CheckpointCheck {
  const base = { source: reference.source, seq: reference.seq, expectedHash: reference.hash, foundHash: store.hashAtSeq };
  const mismatch = (at: number, reason: string): CheckpointCheck => ({
    ...base,
    matches: false,
    brokenAtSeq: Math.min(reference.seq, Math.max(store.provenThroughSeq + 1, at)),
    reason,
  });
  if (reference.keyedFromSeq !== null && reference.keyedFromSeq !== store.keyedFromSeq) {
    return mismatch(
      Math.min(reference.keyedFromSeq, store.keyedFromSeq),
      `the checkpoint was taken with the chain keyed from #${reference.keyedFromSeq}, but it is now keyed from #${store.keyedFromSeq}`,
    );
  }
  if (store.hashAtSeq === reference.hash) return { ...base, matches: true, foundHash: reference.hash };
  const what = store.hashAtSeq === null ? `event #${reference.seq} is no longer in the trail` : `event #${reference.seq} no longer has the checkpoint's hash`;
  if (store.firstRecordedAfterSeq !== null) {
    return mismatch(
      store.firstRecordedAfterSeq,
      `${what}: event #${store.firstRecordedAfterSeq} was recorded after the checkpoint was taken, so the events it covered from #${store.firstRecordedAfterSeq} on were removed`,
    );
  }
  if (store.hashAtSeq === null) return mismatch(store.headSeq + 1, `${what}: the trail ends at #${store.headSeq}, so the events after it were removed`);
  return mismatch(
    store.provenThroughSeq + 1,
    `${what}: it or an event before it was rewritten${store.provenThroughSeq ? `; events up to #${store.provenThroughSeq} still match an earlier checkpoint` : ""}`,
  );
}

export type ChainVerdict =
  | { intact: true }
  | { intact: false; brokenAtSeq: number; problem: ChainProblem | "checkpoint_mismatch"; intactThroughSeq: number };

/** The first break of the walk and of every checkpoint check, and how far the chain is intact before it. */
export function chainVerdict(walk: { brokenAtSeq: number; problem: ChainProblem } | null, checks: readonly CheckpointCheck[]): ChainVerdict {
  let broken: { brokenAtSeq: number; problem: ChainProblem | "checkpoint_mismatch" } | null = walk;
  for (const check of checks) {
    if (!check.matches && (!broken || check.brokenAtSeq < broken.brokenAtSeq)) broken = { brokenAtSeq: check.brokenAtSeq, problem: "checkpoint_mismatch" };
  }
  return broken ? { intact: false, ...broken, intactThroughSeq: broken.brokenAtSeq - 1 } : { intact: true };
}
