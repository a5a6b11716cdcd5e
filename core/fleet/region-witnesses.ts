/** A witness link between two replicas, with the regions they run in. */
export interface RegionLink {
  fromReplicaId: string;
  fromRegionId: string;
  toRegionId: string;
  reachable: boolean;
  /** Start of the current run of failed probes; null while reachable. */
  unreachableSince: Date | null;
}

export interface RegionWitnesses {
  /** Agents in other regions that probe replicas of this region. */
  observers: number;
  /** Of those, how many reached every replica they probe here at their last probe. */
  reaching: number;
  /** Start of the oldest current run of failed probes into this region. */
  unreachableSince: Date | null;
}

export const NO_WITNESSES: RegionWitnesses = { observers: 0, reaching: 0, unreachableSince: null };

/**
 * What other regions' witnesses see of each region. Probes within a region
 * say nothing about whether the region is cut off, so they are left out.
 */
export function regionWitnesses(links: readonly RegionLink[]): Map<string, RegionWitnesses> {
  const observers = new Map<string, Map<string, boolean>>();
  const oldestRun = new Map<string, number>();
  for (const link of links) {
    if (link.fromRegionId === link.toRegionId) continue;
    const seen = observers.get(link.toRegionId) ?? new Map<string, boolean>();
    seen.set(link.fromReplicaId, (seen.get(link.fromReplicaId) ?? true) && link.reachable);
    observers.set(link.toRegionId, seen);
    if (link.unreachableSince) {
      const since = link.unreachableSince.getTime();
      oldestRun.set(link.toRegionId, Math.min(since, oldestRun.get(link.toRegionId) ?? since));
    }
  }
  return new Map(
    [...observers].map(([regionId, seen]) => {
      const since = oldestRun.get(regionId);
      return [regionId, { observers: seen.size, reaching: [...seen.values()].filter(Boolean).length, unreachableSince: since === undefined ? null : new Date(since) }];
    }),
  );
}
