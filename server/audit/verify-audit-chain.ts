import "server-only";
import { CHAIN_START, verifyAuditSegment, type ChainedAuditEvent } from "@/core/audit/chain";
import { checkCheckpoint } from "@/core/audit/checkpoint";
import type { JsonValue } from "@/core/audit/canonical-json";
import type { AuditVerification } from "@/contracts/audit";
import type { Db } from "../db/client";

const BATCH = 5_000;

export interface KeptCheckpoint {
  seq: number;
  hash: string;
}

/**
 * Walks the chain and, given a checkpoint, also compares the event now at its
 * seq with the hash kept: a chain rewritten and re-hashed from some event on
 * links up again, and only a hash held outside the store exposes it.
 */
export async function verifyAuditChain(client: Db, checkpoint?: KeptCheckpoint): Promise<AuditVerification> {
  const walked = await walkAuditChain(client);
  if (!checkpoint) return walked;
  const stored = await client.auditEvent.findUnique({ where: { seq: BigInt(checkpoint.seq) }, select: { hash: true } });
  const check = checkCheckpoint(stored && { seq: checkpoint.seq, hash: stored.hash }, checkpoint);
  if (walked.intact && !check.matches) {
    return { intact: false, brokenAtSeq: checkpoint.seq, problem: "checkpoint_mismatch", intactThroughSeq: 0, verifiedAt: walked.verifiedAt, checkpoint: check };
  }
  return { ...walked, checkpoint: check };
}

/** Walks the whole chain in sequence order, a batch at a time. */
async function walkAuditChain(client: Db): Promise<AuditVerification> {
  let cursor = CHAIN_START;
  for (;;) {
    const rows = await client.auditEvent.findMany({
      where: { seq: { gt: cursor.seq } },
      orderBy: { seq: "asc" },
      take: BATCH,
    });
    const events: ChainedAuditEvent[] = rows.map((row) => ({
      ...row,
      before: row.before as JsonValue,
      after: row.after as JsonValue,
      details: row.details as JsonValue,
    }));
    const result = verifyAuditSegment(events, cursor);
    if (!result.intact) {
      return {
        intact: false,
        brokenAtSeq: Number(result.brokenAtSeq),
        problem: result.problem,
        intactThroughSeq: Number(result.cursor.seq),
        verifiedAt: new Date().toISOString(),
      };
    }
    cursor = result.cursor;
    if (rows.length < BATCH) {
      return {
        intact: true,
        throughSeq: Number(cursor.seq),
        count: cursor.count,
        lastHash: cursor.hash,
        verifiedAt: new Date().toISOString(),
      };
    }
  }
}
