import "server-only";
import { IN_PLACE_RESTART_HOLD_MS, type InPlaceRestartState } from "@/core/agents/in-place-restart";
import type { ActiveRun, AutomationSnapshot } from "@/core/automation/snapshot";
import { automationSnapshotOf } from "@/core/topology/automation-snapshot-of";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { readTopology, type Scope } from "../topology/read-topology";
import { automationControls } from "./automation-controls";

/**
 * What the automation decides on, for every live service (or the ones
 * named), in a fixed number of statements whatever the fleet's size: the
 * topology every reader shares, each service's active runs and the
 * operators' controls.
 */
export async function automationSnapshots(now: Date, scope: Scope = null): Promise<AutomationSnapshot[]> {
  const [topologies, runs, controlsOf, restarts] = await Promise.all([
    readTopology(now, scope),
    db().run.findMany({ where: scope ? { activeForServiceId: { in: [...scope] } } : { activeForServiceId: { not: null } }, select: { id: true, runbookId: true, status: true, activeForServiceId: true } }),
    automationControls(scope, now),
    // Only an attempt under way, heard within the hold, can hold anything off.
    db().inPlaceRestart.findMany({
      where: { state: "restarting", heardAt: { gt: new Date(now.getTime() - IN_PLACE_RESTART_HOLD_MS) }, ...(scope ? { serviceId: { in: [...scope] } } : {}) },
      orderBy: { heardAt: "asc" },
      select: { replicaId: true, state: true, heardAt: true },
    }),
  ]);
  const runsOf = new Map<string, ActiveRun[]>();
  for (const { activeForServiceId, ...run } of runs) runsOf.set(activeForServiceId!, [...(runsOf.get(activeForServiceId!) ?? []), run]);
  const restartOf = new Map(restarts.map((restart) => [restart.replicaId, { ...restart, state: restart.state as InPlaceRestartState }]));
  return topologies.map((topology) => {
    const snapshot = automationSnapshotOf(topology, runsOf.get(topology.serviceId) ?? [], controlsOf(topology.serviceId));
    return { ...snapshot, inPlaceRestart: (topology.writeReplicaId && restartOf.get(topology.writeReplicaId)) || null };
  });
}

/** One live service's snapshot, read the same way (its page; a run waiting for the old primary's lease). */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [snapshot] = await automationSnapshots(now, [serviceId]);
  if (!snapshot) throw new NotFoundError(`No live service with id ${serviceId}.`);
  return snapshot;
}
