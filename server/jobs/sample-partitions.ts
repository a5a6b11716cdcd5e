import "server-only";
import { db } from "../db/client";

const DAY_MS = 86_400_000;

function dayStart(time: number): Date {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS);
}

const isoDay = (day: Date) => day.toISOString().slice(0, 10);

/**
 * Keeps Sample's daily partitions (UTC) ahead of time, from yesterday to
 * `daysAhead` days out. The control plane's role owns no table, so the
 * partitions are made by a function that runs as the schema's owner
 * (migration 20261203133000_sample_partition_functions); it also moves rows
 * that landed in the default partition for a day that had none yet, since
 * PostgreSQL refuses to create a partition whose rows sit in the default.
 */
export async function ensureSamplePartitions(now = new Date(), daysAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -1; offset <= daysAhead; offset++) {
    const day = isoDay(dayStart(now.getTime() + offset * DAY_MS));
    const [row] = await db().$queryRaw<{ created: boolean }[]>`SELECT switchyard_create_sample_partition(${day}::date) AS created`;
    if (row?.created) created.push(`Sample_${day.replaceAll("-", "")}`);
  }
  return created;
}

/**
 * Drops the daily partitions entirely older than the raw window (through the
 * owner's function, as above), and deletes default-partition rows older than
 * it. Dropping a partition is instant and leaves no bloat, which is why
 * Sample is partitioned.
 */
export async function dropExpiredSamples(retentionMs: number, now = new Date()): Promise<{ droppedPartitions: string[]; deletedRows: number }> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const partitions = await db().$queryRaw<{ name: string }[]>`
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'Sample' AND c.relname ~ '^Sample_[0-9]{8}$'`;
  const droppedPartitions: string[] = [];
  for (const { name } of partitions) {
    const day = `${name.slice(7, 11)}-${name.slice(11, 13)}-${name.slice(13, 15)}`;
    if (Date.parse(`${day}T00:00:00Z`) + DAY_MS > cutoff.getTime()) continue;
    const [row] = await db().$queryRaw<{ dropped: boolean }[]>`SELECT switchyard_drop_sample_partition(${day}::date) AS dropped`;
    if (row?.dropped) droppedPartitions.push(name);
  }
  const deletedRows = await db().$executeRaw`DELETE FROM "Sample_default" WHERE "receivedAt" < ${cutoff}`;
  return { droppedPartitions, deletedRows };
}
