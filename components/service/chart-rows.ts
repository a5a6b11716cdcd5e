import type { ServiceLag } from "@/contracts/service-lag";

type Point = ServiceLag["replicas"][number]["points"][number];

export type ChartRow = { t: number } & Record<string, number | null>;

export interface SeriesPick {
  key: string;
  replicaId: string;
  value: (point: Point) => number | null;
}

/**
 * One row per bucket of the window, each series under its key. A bucket with
 * no report stays null rather than absent, so lines break over silence
 * instead of bridging it.
 */
export function chartRows(lag: ServiceLag, picks: readonly SeriesPick[]): ChartRow[] {
  const stepMs = lag.bucketSeconds * 1000;
  const from = Date.parse(lag.from);
  const to = Date.parse(lag.to);
  const rows = new Map<number, ChartRow>();
  for (let t = from; t < to; t += stepMs) {
    const row: ChartRow = { t } as ChartRow;
    for (const pick of picks) row[pick.key] = null;
    rows.set(t, row);
  }
  const byReplica = new Map(lag.replicas.map((replica) => [replica.replicaId, replica.points]));
  for (const pick of picks) {
    for (const point of byReplica.get(pick.replicaId) ?? []) {
      const row = rows.get(Date.parse(point.t));
      if (row) row[pick.key] = pick.value(point);
    }
  }
  return [...rows.values()];
}
