import "server-only";
import { db } from "../db/client";

const DAY_MS = 86_400_000;

function dayStart(time: number): Date {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS);
}

function partitionName(day: Date): string {
  return `Sample_${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/**
 * Keeps Sample's daily partitions (UTC) ahead of time, from yesterday to
 * `daysAhead` days out. Rows that landed in the default partition for a day
 * that had none yet are moved into the new partition in the same transaction,
 * since PostgreSQL refuses to create a partition whose rows sit in the default.
 */
export async function ensureSamplePartitions(now = new Date(), daysAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -1; offset <= daysAhead; offset++) {
    const from = dayStart(now.getTime() + offset * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    const name = partitionName(from);
    const exists = await db().$queryRaw<unknown[]>`SELECT 1 FROM pg_class WHERE relname = ${name}`;
    if (exists.length) continue;
    await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE "Sample" IN SHARE ROW EXCLUSIVE MODE`);
      await tx.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "${name}" (LIKE "Sample" INCLUDING DEFAULTS)`);
      await tx.$executeRawUnsafe(
        `WITH moved AS (DELETE FROM "Sample_default" WHERE "receivedAt" >= $1 AND "receivedAt" < $2 RETURNING *) INSERT INTO "${name}" SELECT * FROM moved`,
        from,
        to,
      );
      await tx.$executeRawUnsafe(`ALTER TABLE "Sample" ATTACH PARTITION "${name}" FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
    });
    created.push(name);
  }
  return created;
}

/**
 * Drops the daily partitions entirely older than the raw window, and deletes
 * default-partition rows older than it. Dropping a partition is instant and
 * leaves no bloat, which is why Sample is partitioned.
 */
export async function dropExpiredSamples(retentionMs: number, now = new Date()): Promise<{ droppedPartitions: string[]; deletedRows: number }> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const partitions = await db().$queryRaw<{ name: string }[]>`
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'Sample' AND c.relname ~ '^Sample_[0-9]{8}$'`;
  const droppedPartitions: string[] = [];
  for (const { name } of partitions) {
    const day = Date.parse(`${name.slice(7, 11)}-${name.slice(11, 13)}-${name.slice(13, 15)}T00:00:00Z`);
    if (day + DAY_MS <= cutoff.getTime()) {
      await db().$executeRawUnsafe(`DROP TABLE "${name}"`);
      droppedPartitions.push(name);
    }
  }
  const deletedRows = await db().$executeRaw`DELETE FROM "Sample_default" WHERE "receivedAt" < ${cutoff}`;
  return { droppedPartitions, deletedRows };
}
