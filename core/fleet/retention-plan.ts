/**
 * How long each level of the agents' measurements is kept, from the size of
 * the fleet: raw samples cost one row per replica per report (2,000 agents at
 * 1 s are ~170 M rows a day), one-minute rollups 1,440 and one-hour rollups 24
 * a day each, so a large fleet keeps raw samples for hours, minutes for days
 * and hours for months, as Prometheus' downsampling tiers and TimescaleDB's
 * continuous aggregates do. The first row whose fleet bound holds applies; a
 * setting the operator gave (SWITCHYARD_*_RETENTION_*) always wins.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RetentionLevels {
  rawMs: number;
  minuteRollupMs: number;
  hourRollupMs: number;
}

/**
 * How wide Sample's partitions are: retention drops a partition only once it
 * is entirely past the window, so daily partitions keep up to a day more than
 * the window on disk, hourly ones up to an hour.
 */
export type SamplePartitionWidth = "day" | "hour";

export interface RetentionRule {
  id: string;
  /** The rule applies while the fleet has at most this many replicas reporting. */
  maxReplicas: number;
  levels: RetentionLevels;
  partitions: SamplePartitionWidth;
  sentence: string;
}

export const RETENTION_RULES: readonly RetentionRule[] = [
  {
    id: "small-fleet",
    maxReplicas: 300,
    levels: { rawMs: 48 * HOUR_MS, minuteRollupMs: 30 * DAY_MS, hourRollupMs: 400 * DAY_MS },
    partitions: "day",
    sentence: "Up to 300 replicas: raw samples for 48 hours in daily partitions, one-minute rollups for 30 days, one-hour rollups for 400 days.",
  },
  {
    id: "medium-fleet",
    maxReplicas: 1_500,
    levels: { rawMs: 12 * HOUR_MS, minuteRollupMs: 14 * DAY_MS, hourRollupMs: 400 * DAY_MS },
    partitions: "hour",
    sentence: "Up to 1,500 replicas: raw samples for 12 hours in hourly partitions, one-minute rollups for 14 days, one-hour rollups for 400 days.",
  },
  {
    id: "large-fleet",
    maxReplicas: Number.POSITIVE_INFINITY,
    levels: { rawMs: 6 * HOUR_MS, minuteRollupMs: 7 * DAY_MS, hourRollupMs: 400 * DAY_MS },
    partitions: "hour",
    sentence: "More than 1,500 replicas: raw samples for 6 hours in hourly partitions, one-minute rollups for 7 days, one-hour rollups for 400 days.",
  },
];

export interface RetentionPlan extends RetentionLevels {
  rule: RetentionRule;
  partitions: SamplePartitionWidth;
  /** Which levels the operator's settings fixed rather than the fleet's size. */
  overridden: (keyof RetentionLevels)[];
}

export function retentionPlan(replicas: number, overrides: Partial<RetentionLevels> = {}): RetentionPlan {
  const rule = RETENTION_RULES.find((candidate) => replicas <= candidate.maxReplicas)!;
  const overridden = (Object.keys(rule.levels) as (keyof RetentionLevels)[]).filter((level) => overrides[level] !== undefined);
  const levels = { ...rule.levels, ...overrides };
  // A raw window of a day or more loses little to daily partitions, and a day has 24 times fewer tables.
  const partitions: SamplePartitionWidth = levels.rawMs >= DAY_MS ? "day" : rule.partitions;
  return { ...levels, partitions, rule, overridden };
}
