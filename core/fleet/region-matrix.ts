/** What one witness last saw of one replica, placed by the two replicas' regions. */
export interface MatrixLink {
  fromRegionId: string;
  toRegionId: string;
  reachable: boolean;
  rttMs: number | null;
  /** When the witness probed (its agent's clock). */
  observedAt: Date;
  /** The staleness window of the service both replicas belong to. */
  staleAfterMs: number;
}

export type Reachability = "all" | "some" | "none";

export interface RegionMatrixCell {
  fromRegionId: string;
  toRegionId: string;
  /** Witness links between the two regions (one per witness and probed replica). */
  probes: number;
  /** Of those, how many reached their replica at the last probe. */
  reachableProbes: number;
  reachability: Reachability;
  /** Round-trip times of the probes that got through; null when none did. */
  rttMs: { median: number | null; max: number | null };
  lastObservedAt: Date;
  /** No probe of the cell is within its staleness window: what it shows is history, not now. */
  stale: boolean;
}

function median(sorted: readonly number[]): number | null {
  if (!sorted.length) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Folds witness links into a from-region × to-region matrix. Only pairs with
 * at least one link get a cell: a missing cell means nobody probes that way,
 * which is different from probes that fail. Cells come ordered by from, then
 * to region.
 */
export function regionMatrix(links: readonly MatrixLink[], now: Date): RegionMatrixCell[] {
  const byPair = new Map<string, MatrixLink[]>();
  for (const link of links) {
    const key = JSON.stringify([link.fromRegionId, link.toRegionId]);
    const pair = byPair.get(key);
    if (pair) pair.push(link);
    else byPair.set(key, [link]);
  }
  const cells = [...byPair.values()].map((pair): RegionMatrixCell => {
    const first = pair[0]!;
    const reachableProbes = pair.filter((link) => link.reachable).length;
    const rtts = pair.flatMap((link) => (link.reachable && link.rttMs !== null ? [link.rttMs] : [])).sort((a, b) => a - b);
    return {
      fromRegionId: first.fromRegionId,
      toRegionId: first.toRegionId,
      probes: pair.length,
      reachableProbes,
      reachability: reachableProbes === pair.length ? "all" : reachableProbes === 0 ? "none" : "some",
      rttMs: { median: median(rtts), max: rtts.at(-1) ?? null },
      lastObservedAt: new Date(Math.max(...pair.map((link) => link.observedAt.getTime()))),
      stale: pair.every((link) => now.getTime() - link.observedAt.getTime() > link.staleAfterMs),
    };
  });
  return cells.sort((a, b) => a.fromRegionId.localeCompare(b.fromRegionId) || a.toRegionId.localeCompare(b.toRegionId));
}
