import "server-only";
import { serviceGates } from "@/core/hooks/runbook-hooks";
import { EVACUATION_RUNBOOKS, evacuateService, type EvacuationMode, type ServiceEvacuation } from "@/core/plans/evacuation";
import { runbookSnapshotOf } from "@/core/topology/runbook-snapshot-of";
import { db } from "../db/client";
import { ConflictError } from "../errors";
import { hooksConfig } from "../hooks/hooks-config";
import { runbookCatalog } from "../runbooks/runbook-catalog";
import { readTopology } from "../topology/read-topology";

export interface EvacuationRequest {
  regionId: string;
  mode: EvacuationMode;
  reason: string;
  serviceIds: readonly string[];
  /** Per service, the target the plan showed when it started (kept while it may still be promoted). */
  plannedTargets?: ReadonlyMap<string, string | null>;
}

/**
 * Each service's part of a region evacuation as things are now: one read of
 * the services' topology, their datasets' budgets and the hooks
 * configuration; writes nothing. A service missing from the answer was
 * retired meanwhile.
 */
export async function evacuationsNow(request: EvacuationRequest, now = new Date()): Promise<Map<string, ServiceEvacuation>> {
  const runbookId = EVACUATION_RUNBOOKS[request.mode];
  const runbook = (await runbookCatalog()).runbooks.find((candidate) => candidate.definition.id === runbookId);
  if (!runbook) throw new ConflictError(`The runbook ${runbookId} is not loaded, and a ${request.mode} plan moves each service with it.`);
  let hooks;
  try {
    hooks = hooksConfig();
  } catch (error) {
    throw new ConflictError(`No plan moves services while the hooks configuration is broken (their gates cannot be known): ${(error as Error).message}`);
  }
  const [topologies, datasets] = await Promise.all([
    readTopology(now, request.serviceIds),
    db().dataset.findMany({ where: { serviceId: { in: [...request.serviceIds] } }, orderBy: { name: "asc" } }),
  ]);
  return new Map(
    topologies.map((topology) => {
      const snapshot = runbookSnapshotOf(topology, now);
      const budgets = datasets.filter((dataset) => dataset.serviceId === snapshot.serviceId);
      const evacuation = evacuateService({
        regionId: request.regionId,
        mode: request.mode,
        reason: request.reason,
        snapshot,
        definition: runbook.definition,
        gates: serviceGates(hooks, snapshot.serviceId),
        budgets,
        plannedTarget: request.plannedTargets?.get(snapshot.serviceId) ?? null,
      });
      return [snapshot.serviceId, evacuation];
    }),
  );
}
