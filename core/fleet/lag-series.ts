/**
 * Turns per-bucket aggregates of samples (or of rollups) into chart points.
 * Conflict counters are cumulative in the store; a chart wants how many
 * conflicts happened in each bucket, so each bucket's increase is its own
 * steps plus the step from the previous bucket's last value to its first.
 */

/** A cumulative counter within one bucket: its first and last value, and the sum of its steps inside the bucket. */
export interface CounterBucket {
  first: number;
  last: number;
  steps: number;
}

export interface LagBucketRow {
  replicaId: string;
  t: Date;
  samples: number;
  lagBytesAvg: number | null;
  lagBytesMax: number | null;
  lagSecondsAvg: number | null;
  lagSecondsMax: number | null;
  recoveryConflicts: CounterBucket;
  logicalConflicts: CounterBucket;
}

export interface LagPoint {
  t: string;
  samples: number;
  lagBytes: { avg: number | null; max: number | null };
  lagSeconds: { avg: number | null; max: number | null };
  recoveryConflicts: number;
  logicalConflicts: number;
}

/**
 * How much a cumulative counter rose between two readings. A lower reading
 * means the engine restarted and counts from zero again, so all of it is new.
 */
export function counterStep(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Rows of one replica's buckets, oldest first, whichever segment they came from. */
function seriesOf(rows: readonly LagBucketRow[]): LagPoint[] {
  let previous: { recovery: number; logical: number } | null = null;
  return rows.map((row) => {
    // The window's first bucket has nothing before it to step from.
    const recovery = row.recoveryConflicts.steps + (previous ? counterStep(previous.recovery, row.recoveryConflicts.first) : 0);
    const logical = row.logicalConflicts.steps + (previous ? counterStep(previous.logical, row.logicalConflicts.first) : 0);
    previous = { recovery: row.recoveryConflicts.last, logical: row.logicalConflicts.last };
    return {
      t: row.t.toISOString(),
      samples: row.samples,
      lagBytes: { avg: row.lagBytesAvg, max: row.lagBytesMax },
      lagSeconds: { avg: row.lagSecondsAvg, max: row.lagSecondsMax },
      recoveryConflicts: recovery,
      logicalConflicts: logical,
    };
  });
}

/** Points per replica, oldest first; rows may arrive in any order. */
export function lagSeries(rows: readonly LagBucketRow[]): Map<string, LagPoint[]> {
  const byReplica = new Map<string, LagBucketRow[]>();
  for (const row of rows) {
    const list = byReplica.get(row.replicaId);
    if (list) list.push(row);
    else byReplica.set(row.replicaId, [row]);
  }
  return new Map(
    [...byReplica].map(([replicaId, replicaRows]) => [replicaId, seriesOf([...replicaRows].sort((a, b) => a.t.getTime() - b.t.getTime()))]),
  );
}
