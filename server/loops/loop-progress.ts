import "server-only";
import type { LoopName, LoopProgressFacts } from "@/core/loops/loop-stall";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";

/** A complete pass: when it ended, how long it took, how many services it covered and the ones it could not handle. */
export async function recordPass(loop: LoopName, holder: string, pass: { ms: number; subjects: number; failures: Record<string, string> }): Promise<void> {
  const failures = pass.failures as Prisma.InputJsonValue;
  await db().loopProgress.upsert({
    where: { name: loop },
    create: { name: loop, holder, lastPassAt: new Date(), lastPassMs: Math.round(pass.ms), subjects: pass.subjects, failures },
    update: { holder, lastPassAt: new Date(), lastPassMs: Math.round(pass.ms), subjects: pass.subjects, failures },
  });
}

/** A pass that did not complete. Best effort: the store may be what failed, and the next pass tries again. */
export async function recordFailure(loop: LoopName, holder: string, message: string): Promise<void> {
  const lastError = message.slice(0, 500);
  await db()
    .loopProgress.upsert({ where: { name: loop }, create: { name: loop, holder, lastErrorAt: new Date(), lastError }, update: { holder, lastErrorAt: new Date(), lastError } })
    .catch(() => undefined);
}

/** What the loops' holders (and the audit checkpoint publisher) last wrote, by name. */
export async function loopProgress(): Promise<Map<string, LoopProgressFacts>> {
  const rows = await db().loopProgress.findMany();
  return new Map(
    rows.map((row) => [
      row.name,
      { holder: row.holder, lastPassAt: row.lastPassAt, lastPassMs: row.lastPassMs, lastErrorAt: row.lastErrorAt, lastError: row.lastError, failures: (row.failures ?? {}) as Record<string, string> },
    ]),
  );
}
