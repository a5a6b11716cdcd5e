import "server-only";
import { appendAuditEvents } from "../audit/append-audit-event";
import { db } from "../db/client";

const BATCH = 500;

/**
 * Upkeep of the sign-in limits, run by the jobs loop: for each key whose
 * hold is over, one `auth.refusals` event sums up the attempts it refused
 * after the first (which was audited on its own); then rows whose window is
 * over and that hold nothing back are deleted. So a flood of refused
 * attempts costs the audit trail two events per key and hold, and the table
 * keeps only keys that still count.
 */
export async function sweepSignInLimits(now = new Date()): Promise<{ summarized: number; purged: number }> {
  const summarized = await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ key: string; refusals: number; refusedSince: Date | null }[]>`
      SELECT key, refusals, "refusedSince" FROM "SignInThrottle"
       WHERE refusals > 0 AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
       ORDER BY key LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return 0;
    await tx.$executeRaw`UPDATE "SignInThrottle" SET refusals = 0, "refusedSince" = NULL WHERE key = ANY(${rows.map((row) => row.key)}::text[])`;
    const summaries = rows.filter((row) => row.refusals > 1);
    await appendAuditEvents(
      tx,
      summaries.map((row) => ({
        actor: { type: "system", id: null, label: "sign-in limits" },
        action: "auth.refusals",
        target: { type: "sign_in_key", id: row.key },
        outcome: "failure",
        reason: "throttled",
        details: { refused: row.refusals, auditedOnTheirOwn: 1, since: row.refusedSince, until: now },
      })),
    );
    return summaries.length;
  });
  const purged = await db().$executeRaw`DELETE FROM "SignInThrottle" WHERE "expiresAt" <= ${now} AND refusals = 0`;
  return { summarized, purged };
}
