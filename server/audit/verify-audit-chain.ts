import "server-only";
import { CHAIN_START, verifyAuditSegment, type ChainedAuditEvent } from "@/core/audit/chain";
import type { JsonValue } from "@/core/audit/canonical-json";
import type { AuditVerification } from "@/contracts/audit";
import type { Db } from "../db/client";

const BATCH = 5_000;

/** Walks the whole chain in sequence order, a batch at a time. */
export async function verifyAuditChain(client: Db): Promise<AuditVerification> {
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
