import "server-only";
import { CHAIN_START, type ChainCursor } from "@/core/audit/chain";
import type { CheckpointReference } from "@/core/audit/checkpoint";
import { AUDIT_CHECKPOINT_PROGRESS } from "@/core/audit/publication-health";
import type { AuditCheckpointDocument } from "@/contracts/audit-query";
import { db, type Db } from "../db/client";
import { signedCheckpointAt } from "./audit-checkpoint";
import { auditChainKeying } from "./chain-keying";
import type { CheckpointSink, SinkName } from "./checkpoint-sinks/checkpoint-sink";
import { checkpointMetrics } from "./checkpoint-metrics";
import { readBackPublished } from "./read-back-published";
import { compareWithCheckpoints, walkAuditChain } from "./verify-audit-chain";

/**
 * Each round verifies only the events since the last one; once a day it
 * walks the whole chain again, which catches an old event edited without
 * re-hashing (a few seconds per 100,000 events). A rewrite that re-hashes, or
 * a removed tail, shows at every round in the comparison with what was
 * published.
 */
const FULL_WALK_EVERY_MS = 24 * 3_600_000;

/** What the publisher of this copy remembers between rounds. */
export interface PublisherMemory {
  /** Where the last walk ended intact, for the chain keyed from `keyedFromSeq`. */
  walked: { cursor: ChainCursor; keyedFromSeq: bigint; at: number } | null;
  /** The last checkpoint each sink accepted. */
  published: Map<SinkName, AuditCheckpointDocument>;
}

export const newPublisherMemory = (): PublisherMemory => ({ walked: null, published: new Map() });

export interface PublishRound {
  headSeq: number;
  /** Why nothing was published: the chain no longer verifies, or no longer matches a published checkpoint. */
  broken: string | null;
  published: SinkName[];
  failures: Partial<Record<SinkName | "settings", string>>;
}

const referenceOf = (source: string, document: AuditCheckpointDocument): CheckpointReference => ({ ...document, source });

/** Why the chain can no longer be vouched for, or null: the walk since the last round, then what was last published. */
async function chainProblem(client: Db, sinks: readonly CheckpointSink[], memory: PublisherMemory, now: number): Promise<{ problem: string | null; head: ChainCursor }> {
  const keying = await auditChainKeying(client);
  const previous = memory.walked;
  const incremental = previous && previous.keyedFromSeq === keying.keyedFromSeq && now - previous.at < FULL_WALK_EVERY_MS;
  const walk = await walkAuditChain(client, keying, incremental ? previous.cursor : CHAIN_START);
  memory.walked = { cursor: walk.cursor, keyedFromSeq: keying.keyedFromSeq, at: incremental ? previous.at : now };
  if (!walk.intact) return { problem: `The audit chain breaks at #${walk.brokenAtSeq} (${walk.problem}); it verifies through #${walk.cursor.seq} only.`, head: walk.cursor };

  const remembered = [...memory.published.entries()].map(([sink, document]) => referenceOf(sink, document));
  const references = remembered.length ? remembered : (await readBackPublished(client, sinks)).references;
  const mismatch = (await compareWithCheckpoints(client, keying, references)).find((check) => !check.matches);
  if (mismatch && !mismatch.matches) {
    return { problem: `The audit chain no longer matches the checkpoint published to ${mismatch.source} at #${mismatch.seq}: ${mismatch.reason}; it verifies through #${mismatch.brokenAtSeq - 1} only.`, head: walk.cursor };
  }
  return { problem: null, head: walk.cursor };
}

/**
 * One round of publishing: verify the chain (with its key, and against what
 * was published before), then sign a checkpoint of its head with the audit
 * checkpoint key and give it to every sink that does not have it yet. A chain
 * that does not verify is not vouched for: nothing is published, and the
 * round says why, so an alert fires instead.
 */
export async function publishAuditCheckpoints(sinks: readonly CheckpointSink[], memory: PublisherMemory, client: Db = db(), now = Date.now()): Promise<PublishRound> {
  const counters = checkpointMetrics();
  const { problem, head } = await chainProblem(client, sinks, memory, now);
  if (problem) {
    counters.rounds.inc({ outcome: "chain_broken" });
    return { headSeq: Number(head.seq), broken: problem, published: [], failures: {} };
  }
  const round: PublishRound = { headSeq: Number(head.seq), broken: null, published: [], failures: {} };
  if (head.seq > 0n) {
    const event = await client.auditEvent.findUniqueOrThrow({ where: { seq: head.seq }, select: { seq: true, hash: true, at: true } });
    const document = signedCheckpointAt(event, await auditChainKeying(client));
    await Promise.all(
      sinks.map(async (sink) => {
        if (memory.published.get(sink.name)?.seq === document.seq) return;
        try {
          await sink.publish(document);
          memory.published.set(sink.name, document);
          round.published.push(sink.name);
          counters.publications.inc({ sink: sink.name, outcome: "success" });
          counters.publishedSeq.set({ sink: sink.name }, document.seq);
        } catch (error) {
          round.failures[sink.name] = `${sink.target}: ${(error as Error).message}`;
          counters.publications.inc({ sink: sink.name, outcome: "failure" });
        }
      }),
    );
  }
  counters.rounds.inc({ outcome: Object.keys(round.failures).length ? "failed" : "published" });
  return round;
}

/**
 * What the round did, where the alert evaluator of any copy reads it: a
 * complete round moves `lastPassAt`; a broken chain and each failed sink are
 * kept in `failures` (`chain`, `file`, `webhook`, `s3`, `settings`) until a
 * round no longer finds them.
 */
export async function recordPublishRound(holder: string, round: Pick<PublishRound, "broken" | "failures" | "published">, ms: number, client: Db = db()): Promise<void> {
  const failures: Record<string, string> = { ...round.failures, ...(round.broken ? { chain: round.broken } : {}) };
  const messages = Object.values(failures);
  const now = new Date();
  const outcome = messages.length
    ? { lastErrorAt: now, lastError: messages[0]!.slice(0, 500), failures }
    : { lastPassAt: now, lastPassMs: Math.round(ms), subjects: round.published.length, failures };
  await client.loopProgress.upsert({ where: { name: AUDIT_CHECKPOINT_PROGRESS }, create: { name: AUDIT_CHECKPOINT_PROGRESS, holder, ...outcome }, update: { holder, ...outcome } });
}
