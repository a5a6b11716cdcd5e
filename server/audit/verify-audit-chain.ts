import "server-only";
import { CHAIN_START, verifyAuditSegment, verifyChainEnd, type ChainCursor, type ChainedAuditEvent, type ChainKeying, type SegmentVerification } from "@/core/audit/chain";
import { chainVerdict, checkCheckpoint, type CheckpointCheck, type CheckpointReference } from "@/core/audit/checkpoint";
import type { JsonValue } from "@/core/audit/canonical-json";
import type { AuditVerification } from "@/contracts/audit";
import type { Db } from "../db/client";
import { auditChainKeying } from "./chain-keying";
import type { CheckpointSink } from "./checkpoint-sinks/checkpoint-sink";
import { configuredSinks } from "./checkpoint-sinks/configured-sinks";
import { readBackPublished, type PublishedReadBack } from "./read-back-published";

const BATCH = 5_000;

/** A checkpoint a reviewer kept: its seq and hash, and its `at` when they have it. */
export interface KeptCheckpoint {
  seq: number;
  hash: string;
  at?: string;
}

/** Walks the chain from `from` (the start, or where an earlier walk ended intact) to its end, a batch at a time. */
export async function walkAuditChain(client: Db, keying: ChainKeying, from: ChainCursor = CHAIN_START): Promise<SegmentVerification> {
  let cursor = from;
  for (;;) {
    const rows = await client.auditEvent.findMany({ where: { seq: { gt: cursor.seq } }, orderBy: { seq: "asc" }, take: BATCH });
    const events: ChainedAuditEvent[] = rows.map((row) => ({ ...row, before: row.before as JsonValue, after: row.after as JsonValue, details: row.details as JsonValue }));
    const result = verifyAuditSegment(events, cursor, keying);
    if (!result.intact) return result;
    cursor = result.cursor;
    if (rows.length < BATCH) return verifyChainEnd(cursor, keying);
  }
}

/**
 * Compares the store with checkpoints, each against what the store holds at
 * its seq, with the others' matches bounding how far back a mismatch reaches.
 */
export async function compareWithCheckpoints(client: Db, keying: ChainKeying, references: readonly CheckpointReference[]): Promise<CheckpointCheck[]> {
  if (references.length === 0) return [];
  const [stored, head] = await Promise.all([
    client.auditEvent.findMany({ where: { seq: { in: references.map((reference) => BigInt(reference.seq)) } }, select: { seq: true, hash: true } }),
    client.auditEvent.aggregate({ _max: { seq: true } }),
  ]);
  const hashAt = new Map(stored.map((row) => [Number(row.seq), row.hash]));
  const keyedFromSeq = Number(keying.keyedFromSeq);
  const matches = (reference: CheckpointReference) => hashAt.get(reference.seq) === reference.hash && (reference.keyedFromSeq ?? keyedFromSeq) === keyedFromSeq;
  return Promise.all(
    references.map(async (reference) => {
      const provenThroughSeq = Math.max(0, ...references.filter((other) => other.seq < reference.seq && matches(other)).map((other) => other.seq));
      let firstRecordedAfterSeq: number | null = null;
      if (!matches(reference) && reference.at) {
        const later = await client.auditEvent.aggregate({
          _min: { seq: true },
          where: { seq: { gt: BigInt(provenThroughSeq), lte: BigInt(reference.seq) }, at: { gt: new Date(reference.at) } },
        });
        firstRecordedAfterSeq = later._min.seq === null ? null : Number(later._min.seq);
      }
      return checkCheckpoint(reference, { headSeq: Number(head._max.seq ?? 0n), keyedFromSeq, hashAtSeq: hashAt.get(reference.seq) ?? null, provenThroughSeq, firstRecordedAfterSeq });
    }),
  );
}

async function published(client: Db, sinks: readonly CheckpointSink[] | undefined): Promise<PublishedReadBack> {
  if (sinks) return readBackPublished(client, sinks);
  const configured = configuredSinks();
  const readBack = await readBackPublished(client, configured.sinks);
  return configured.problem ? { ...readBack, unreadable: [...readBack.unreadable, { source: "settings", reason: configured.problem }] } : readBack;
}

/**
 * Walks the chain with its key and compares it with the checkpoint the
 * request names and with those published off the box (read back from the
 * sinks that can be read): a chain whose tail was removed, or that was
 * rewritten and re-hashed by someone holding the key, links up again, and
 * only a hash held outside the store exposes it. Whatever breaks, the answer
 * names the last seq that still verifies.
 */
export async function verifyAuditChain(client: Db, kept?: KeptCheckpoint, sinks?: readonly CheckpointSink[]): Promise<AuditVerification> {
  const keying = await auditChainKeying(client);
  const [walked, readBack] = await Promise.all([walkAuditChain(client, keying), published(client, sinks)]);
  const keptReference: CheckpointReference | null = kept ? { source: "request", seq: kept.seq, hash: kept.hash, at: kept.at ?? null, keyedFromSeq: null } : null;
  const checks = await compareWithCheckpoints(client, keying, [...(keptReference ? [keptReference] : []), ...readBack.references]);
  const verdict = chainVerdict(walked.intact ? null : { brokenAtSeq: Number(walked.brokenAtSeq), problem: walked.problem }, checks);
  const common = {
    keyedFromSeq: Number(keying.keyedFromSeq),
    chainKeyId: keying.key.id,
    verifiedAt: new Date().toISOString(),
    ...(keptReference ? { checkpoint: checks[0]! } : {}),
    published: { compared: keptReference ? checks.slice(1) : checks, rejected: readBack.rejected, unreadable: readBack.unreadable },
  };
  if (!verdict.intact) return { intact: false, brokenAtSeq: verdict.brokenAtSeq, problem: verdict.problem, intactThroughSeq: verdict.intactThroughSeq, ...common };
  return { intact: true, throughSeq: Number(walked.cursor.seq), count: walked.cursor.count, lastHash: walked.cursor.hash, ...common };
}
