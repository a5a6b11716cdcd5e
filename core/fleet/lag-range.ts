/**
 * Which stored samples answer a lag chart over one of the dashboard's ranges.
 * Short ranges read raw samples; a day or a week reads the one-minute
 * rollups, a month or a quarter the one-hour rollups. The rollup job lags
 * behind "now", so a rolled-up range's newest buckets come from raw samples.
 * Every window is read on the agent's clock (observedAt), as the rollups are
 * bucketed.
 */

export const LAG_RANGES = ["15m", "1h", "24h", "7d", "30d", "90d"] as const;
export type LagRange = (typeof LAG_RANGES)[number];
export const LAG_SOURCES = ["raw", "rollup", "hour-rollup"] as const;
export type LagSource = (typeof LAG_SOURCES)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const ROLLUP_BUCKET_SECONDS = 60;
export const HOUR_ROLLUP_BUCKET_SECONDS = 3_600;

interface RangeRule {
  durationMs: number;
  source: LagSource;
  /** Sized so that a series has about 300 points (at most 361). */
  bucketSeconds: number;
}

export const LAG_RANGE_RULES: Record<LagRange, RangeRule> = {
  "15m": { durationMs: 15 * MINUTE_MS, source: "raw", bucketSeconds: 5 },
  "1h": { durationMs: HOUR_MS, source: "raw", bucketSeconds: 15 },
  "24h": { durationMs: 24 * HOUR_MS, source: "rollup", bucketSeconds: 5 * 60 },
  "7d": { durationMs: 7 * 24 * HOUR_MS, source: "rollup", bucketSeconds: 60 * 60 },
  "30d": { durationMs: 30 * 24 * HOUR_MS, source: "hour-rollup", bucketSeconds: 2 * 60 * 60 },
  "90d": { durationMs: 90 * 24 * HOUR_MS, source: "hour-rollup", bucketSeconds: 6 * 60 * 60 },
};

/** Half-open [from, to) on the agent's clock, read from one table. */
export interface LagSegment {
  source: LagSource;
  from: Date;
  to: Date;
}

export interface LagRangePlan {
  range: LagRange;
  source: LagSource;
  bucketSeconds: number;
  from: Date;
  to: Date;
  /** Oldest first, neither overlapping nor splitting a bucket; empty when nothing is kept for the window. */
  segments: LagSegment[];
}

export interface LagStoreState {
  /** The rollup job's cursor: every sample received up to here is rolled up; null before its first run. */
  rolledUpThrough: Date | null;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  hourRollupRetentionMs: number;
}

// Buckets are aligned on the Unix epoch, as date_bin(…, origin 1970-01-01) aligns them in SQL.
const floorTo = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;
const ceilTo = (ms: number, stepMs: number) => Math.ceil(ms / stepMs) * stepMs;

function segment(source: LagSource, from: number, to: number): LagSegment[] {
  return from < to ? [{ source, from: new Date(from), to: new Date(to) }] : [];
}

export function planLagRange(range: LagRange, now: Date, store: LagStoreState): LagRangePlan {
  const rule = LAG_RANGE_RULES[range];
  const bucketMs = rule.bucketSeconds * 1000;
  const to = now.getTime();
  // Starting on a bucket boundary keeps the first point a whole bucket.
  const from = floorTo(to - rule.durationMs, bucketMs);
  // Whole buckets only: a bucket half past retention would read as a dip.
  const rawFrom = Math.max(from, ceilTo(to - store.rawRetentionMs, bucketMs));
  const base = { range, source: rule.source, bucketSeconds: rule.bucketSeconds, from: new Date(from), to: new Date(to) };

  if (rule.source === "raw") return { ...base, segments: segment("raw", rawFrom, to) };

  // The cursor's own minute (and hour) is only partly rolled up; splitting on
  // a bucket boundary at or before it reads that minute raw and keeps every
  // bucket in one segment, so no bucket is drawn twice.
  const split = store.rolledUpThrough === null ? from : Math.min(Math.max(floorTo(store.rolledUpThrough.getTime(), bucketMs), from), to);
  const retention = rule.source === "rollup" ? store.rollupRetentionMs : store.hourRollupRetentionMs;
  const rollupFrom = Math.max(from, ceilTo(to - retention, bucketMs));
  return {
    ...base,
    segments: [...segment(rule.source, rollupFrom, split), ...segment("raw", Math.max(split, rawFrom), to)],
  };
}
