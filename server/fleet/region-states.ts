import "server-only";
import { countByHealth, worstHealth } from "@/core/fleet/region-health";
import { NO_WITNESSES, regionWitnesses } from "@/core/fleet/region-witnesses";
import type { Health } from "@/core/fleet/replica-health";
import type { RegionState } from "@/contracts/services";
import { fleetSnapshot, type FleetSnapshot } from "./fleet-snapshot";

/**
 * Each region's state, from its replicas' health (as judged for their
 * services) and from what witnesses in other regions last saw of it.
 */
export function regionStatesOf(snapshot: FleetSnapshot): RegionState[] {
  const healthByRegion = new Map<string, Health[]>();
  for (const replica of snapshot.services.flatMap((service) => service.replicas)) {
    const healths = healthByRegion.get(replica.regionId);
    if (healths) healths.push(replica.health);
    else healthByRegion.set(replica.regionId, [replica.health]);
  }
  const witnesses = regionWitnesses(snapshot.links);

  return snapshot.regions.map((region) => {
    const health = healthByRegion.get(region.id) ?? [];
    const seen = witnesses.get(region.id) ?? NO_WITNESSES;
    return {
      region,
      health: worstHealth(health),
      replicas: countByHealth(health),
      witnesses: { observers: seen.observers, reaching: seen.reaching, unreachableSince: seen.unreachableSince?.toISOString() ?? null },
    };
  });
}

export async function regionStates(now = new Date()): Promise<RegionState[]> {
  return regionStatesOf(await fleetSnapshot(now));
}
