import "server-only";
import { serviceBudgets } from "@/core/fleet/judge-replica";
import { regionMatrix as foldMatrix } from "@/core/fleet/region-matrix";
import type { RegionMatrix } from "@/contracts/region-matrix";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";
import { witnessLinks } from "./witness-links";

/** Witness reachability and round-trip times between regions, each link judged stale by its own service's policy. */
export async function regionMatrix(now = new Date()): Promise<RegionMatrix> {
  const [regions, links] = await Promise.all([db().region.findMany({ where: { retiredAt: null }, orderBy: { id: "asc" } }), witnessLinks()]);
  const serviceIds = [...new Set(links.map((link) => link.serviceId))];
  const policies = await effectivePolicies(serviceIds);
  const staleAfterMs = new Map(serviceIds.map((id) => [id, serviceBudgets(policies.get(id)?.document, []).staleAfterMs]));
  const cells = foldMatrix(
    links.map((link) => ({
      fromRegionId: link.fromRegionId,
      toRegionId: link.toRegionId,
      reachable: link.reachable,
      rttMs: link.rttMs,
      observedAt: link.observedAt,
      staleAfterMs: staleAfterMs.get(link.serviceId)!,
    })),
    now,
  );
  return {
    regions,
    cells: cells.map((cell) => ({
      from: cell.fromRegionId,
      to: cell.toRegionId,
      probes: cell.probes,
      reachableProbes: cell.reachableProbes,
      reachability: cell.reachability,
      rttMs: cell.rttMs,
      lastObservedAt: cell.lastObservedAt.toISOString(),
      stale: cell.stale,
    })),
    generatedAt: now.toISOString(),
  };
}
