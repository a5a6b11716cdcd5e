import "server-only";
import { countByHealth, worstHealth } from "@/core/fleet/region-health";
import type { Health } from "@/core/fleet/replica-health";
import type { RegionState } from "@/contracts/services";
import { db } from "../db/client";
import { serviceDetail } from "./service-detail";

/**
 * Each region's state, from its replicas' health (as judged for their
 * services) and from what witnesses in other regions last saw of it.
 */
export async function regionStates(now = new Date()): Promise<RegionState[]> {
  const [regions, services, links] = await Promise.all([
    db().region.findMany({ orderBy: { id: "asc" } }),
    db().service.findMany({ select: { id: true } }),
    db().witnessLink.findMany({ include: { from: { select: { regionId: true } }, to: { select: { regionId: true } } } }),
  ]);
  const details = await Promise.all(services.map((service) => serviceDetail(service.id, now)));
  const healthByRegion = new Map<string, Health[]>();
  for (const replica of details.flatMap((detail) => detail.replicas)) {
    healthByRegion.set(replica.regionId, [...(healthByRegion.get(replica.regionId) ?? []), replica.live.health]);
  }

  return regions.map((region) => {
    const health = healthByRegion.get(region.id) ?? [];
    const inbound = links.filter((link) => link.to.regionId === region.id && link.from.regionId !== region.id);
    const observers = new Map<string, boolean>();
    for (const link of inbound) observers.set(link.fromReplicaId, (observers.get(link.fromReplicaId) ?? true) && link.reachable);
    const runs = inbound.flatMap((link) => (link.unreachableSince ? [link.unreachableSince.getTime()] : []));
    return {
      region,
      health: worstHealth(health),
      replicas: countByHealth(health),
      witnesses: {
        observers: observers.size,
        reaching: [...observers.values()].filter(Boolean).length,
        unreachableSince: runs.length ? new Date(Math.min(...runs)).toISOString() : null,
      },
    };
  });
}
