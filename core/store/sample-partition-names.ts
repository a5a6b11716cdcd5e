import type { SamplePartitionWidth } from "@/core/fleet/retention-plan";

/**
 * Sample's partitions are named for the UTC window they hold, as the owner's
 * functions name them: `Sample_YYYYMMDD` for a day, `Sample_YYYYMMDDhHH` for
 * an hour. Retention reads a partition's window back from its name.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
export const dayPartitionName = (time: number) => `Sample_${isoDay(time).replaceAll("-", "")}`;
export const hourPartitionName = (time: number) => `${dayPartitionName(time)}h${new Date(time).toISOString().slice(11, 13)}`;

/** A partition's name read back as the half-open UTC window it holds; null for a name that is not one of ours. */
export function partitionWindow(name: string): { width: SamplePartitionWidth; start: number; end: number } | null {
  const match = /^Sample_(\d{4})(\d{2})(\d{2})(?:h(\d{2}))?$/.exec(name);
  if (!match) return null;
  const [, year, month, day, hour] = match;
  const start = Date.parse(`${year}-${month}-${day}T${hour ?? "00"}:00:00Z`);
  if (Number.isNaN(start)) return null;
  return hour === undefined ? { width: "day", start, end: start + DAY_MS } : { width: "hour", start, end: start + HOUR_MS };
}
