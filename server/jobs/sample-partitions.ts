import "server-only";
import type { SamplePartitionWidth } from "@/core/fleet/retention-plan";
import { DAY_MS, dayPartitionName, HOUR_MS, hourPartitionName, isoDay, partitionWindow } from "@/core/store/sample-partition-names";
import { db } from "../db/client";

/** Hourly partitions are made this far ahead: the job runs every hour, so a missed run or two still finds them made. */
const HOURS_AHEAD = 6;

const floorTo = (time: number, stepMs: number) => Math.floor(time / stepMs) * stepMs;

/**
 * Keeps Sample's partitions (UTC days or hours, as the retention plan says)
 * ahead of time: days from yesterday to `daysAhead` days out, or hours from
 * the last one to HOURS_AHEAD out. The control plane's role owns no table,
 * so the partitions are made by functions that run as the schema's owner
 * (migrations 20261203133000_sample_partition_functions and
 * 20261208150000_sample_hour_partitions); they also move rows that landed in
 * the default partition for a time that had none yet, since PostgreSQL
 * refuses to create a partition whose rows sit in the default, and refuse a
 * time the other width already covers, so a change of width takes effect
 * from the first day not yet partitioned.
 */
export async function ensureSamplePartitions(width: SamplePartitionWidth, now = new Date(), daysAhead = 2): Promise<string[]> {
  const created: string[] = [];
  if (width === "day") {
    for (let offset = -1; offset <= daysAhead; offset++) {
      const day = floorTo(now.getTime(), DAY_MS) + offset * DAY_MS;
      const [row] = await db().$queryRaw<{ created: boolean }[]>`SELECT switchyard_create_sample_partition(${isoDay(day)}::date) AS created`;
      if (row?.created) created.push(dayPartitionName(day));
    }
    return created;
  }
  for (let offset = -1; offset <= HOURS_AHEAD; offset++) {
    const hour = floorTo(now.getTime(), HOUR_MS) + offset * HOUR_MS;
    const [row] = await db().$queryRaw<{ created: boolean }[]>`SELECT switchyard_create_sample_hour_partition(${new Date(hour)}::timestamptz) AS created`;
    if (row?.created) created.push(hourPartitionName(hour));
  }
  return created;
}

/**
 * Drops the partitions, daily or hourly, entirely older than the raw window
 * (through the owner's functions, as above), and deletes default-partition
 * rows older than it. Dropping a partition is instant and leaves no bloat,
 * which is why Sample is partitioned.
 */
export async function dropExpiredSamples(retentionMs: number, now = new Date()): Promise<{ droppedPartitions: string[]; deletedRows: number }> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const partitions = await db().$queryRaw<{ name: string }[]>`
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'Sample' AND c.relname ~ '^Sample_[0-9]{8}(h[0-9]{2})?$'`;
  const droppedPartitions: string[] = [];
  for (const { name } of partitions) {
    const window = partitionWindow(name);
    if (!window || window.end > cutoff.getTime()) continue;
    const [row] =
      window.width === "day"
        ? await db().$queryRaw<{ dropped: boolean }[]>`SELECT switchyard_drop_sample_partition(${isoDay(window.start)}::date) AS dropped`
        : await db().$queryRaw<{ dropped: boolean }[]>`SELECT switchyard_drop_sample_hour_partition(${new Date(window.start)}::timestamptz) AS dropped`;
    if (row?.dropped) droppedPartitions.push(name);
  }
  const deletedRows = await db().$executeRaw`DELETE FROM "Sample_default" WHERE "receivedAt" < ${cutoff}`;
  return { droppedPartitions, deletedRows };
}
