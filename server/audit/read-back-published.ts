import "server-only";
import { checkpointSignedBy, type CheckpointReference, type SignedAuditCheckpoint } from "@/core/audit/checkpoint";
import { auditCheckpointSchema } from "@/contracts/audit-query";
import type { Db } from "../db/client";
import { auditCheckpointKey } from "./checkpoint-key";
import type { CheckpointSink, PublishedCheckpoints } from "./checkpoint-sinks/checkpoint-sink";

export interface SourceProblem {
  source: string;
  reason: string;
}

export interface PublishedReadBack {
  references: CheckpointReference[];
  rejected: SourceProblem[];
  unreadable: SourceProblem[];
}

/** Unsigned or foreign documents skipped, at most, while looking for a sink's newest genuine checkpoint. */
const MAX_REJECTED_PER_SINK = 20;

const referenceOf = (source: string, document: SignedAuditCheckpoint): CheckpointReference => ({
  source,
  seq: document.seq,
  hash: document.hash,
  at: document.at,
  keyedFromSeq: document.keyedFromSeq,
});

/**
 * What each readable sink published, as references to compare the store
 * with: its newest checkpoint whose signature verifies with the audit
 * checkpoint key (anything else in a sink is reported and ignored: whoever
 * can write there cannot make a checkpoint that counts) and, if that one no
 * longer matches, the newest that still does, found by bisection: a match
 * proves every older checkpoint of the same chain matches too.
 */
export async function readBackPublished(client: Db, sinks: readonly CheckpointSink[]): Promise<PublishedReadBack> {
  const key = auditCheckpointKey();
  const result: PublishedReadBack = { references: [], rejected: [], unreadable: [] };

  async function genuine(sink: CheckpointSink, list: PublishedCheckpoints, index: number): Promise<SignedAuditCheckpoint | null> {
    const parsed = auditCheckpointSchema.safeParse(await list.read(index));
    if (!parsed.success) {
      result.rejected.push({ source: sink.name, reason: `document ${index + 1} from the newest is not an audit checkpoint` });
      return null;
    }
    if (parsed.data.keyId !== key.keyId || !checkpointSignedBy(parsed.data, key.publicKey)) {
      const why = parsed.data.keyId !== key.keyId ? `is signed by key ${parsed.data.keyId}, not the audit checkpoint key ${key.keyId}` : "has a signature that does not verify";
      result.rejected.push({ source: sink.name, reason: `the checkpoint at #${parsed.data.seq} ${why}` });
      return null;
    }
    return parsed.data;
  }

  const storedHash = async (seq: number) => (await client.auditEvent.findUnique({ where: { seq: BigInt(seq) }, select: { hash: true } }))?.hash ?? null;

  for (const sink of sinks) {
    if (!sink.published) continue;
    try {
      const list = await sink.published();
      let newestIndex = 0;
      let newest: SignedAuditCheckpoint | null = null;
      for (; newestIndex < Math.min(list.count, MAX_REJECTED_PER_SINK); newestIndex++) {
        newest = await genuine(sink, list, newestIndex);
        if (newest) break;
      }
      if (!newest) continue;
      result.references.push(referenceOf(sink.name, newest));
      if ((await storedHash(newest.seq)) === newest.hash) continue;
      let [low, high] = [newestIndex + 1, list.count - 1];
      let matching: SignedAuditCheckpoint | null = null;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const candidate = await genuine(sink, list, middle);
        if (candidate && (await storedHash(candidate.seq)) === candidate.hash) {
          matching = candidate;
          high = middle - 1;
        } else {
          low = middle + 1;
        }
      }
      if (matching) result.references.push(referenceOf(sink.name, matching));
    } catch (error) {
      result.unreadable.push({ source: sink.name, reason: `${sink.target}: ${(error as Error).message}` });
    }
  }
  return result;
}
