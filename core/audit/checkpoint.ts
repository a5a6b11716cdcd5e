import type { JsonValue } from "./canonical-json";

/** What a reviewer keeps to prove later that nothing up to `seq` was rewritten. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  /** Events in the chain through `seq` (sequence numbers are gapless from 1). */
  count: number;
  /** When the event at `seq` was recorded. */
  at: string;
}

export type CheckpointCheck =
  | { matches: true; seq: number; expectedHash: string; foundHash: string }
  | { matches: false; seq: number; expectedHash: string; foundHash: string | null; reason: string };

/** The exact form the checkpoint signature covers (canonical JSON of it). */
export function checkpointSigningForm(checkpoint: AuditCheckpoint): JsonValue {
  return { seq: checkpoint.seq, hash: checkpoint.hash, count: checkpoint.count, at: checkpoint.at };
}

/**
 * Compares the event now stored at a checkpoint's seq with the hash kept.
 * Each hash covers every event before it, so a match proves the whole prefix
 * unchanged even if someone re-hashed the chain after rewriting it.
 */
export function checkCheckpoint(stored: { seq: number; hash: string } | null, kept: { seq: number; hash: string }): CheckpointCheck {
  if (!stored) {
    return { matches: false, seq: kept.seq, expectedHash: kept.hash, foundHash: null, reason: `event #${kept.seq} is no longer in the trail` };
  }
  if (stored.hash !== kept.hash) {
    return {
      matches: false,
      seq: kept.seq,
      expectedHash: kept.hash,
      foundHash: stored.hash,
      reason: `event #${kept.seq} no longer has the checkpoint's hash: it or an event before it was rewritten`,
    };
  }
  return { matches: true, seq: kept.seq, expectedHash: kept.hash, foundHash: stored.hash };
}
