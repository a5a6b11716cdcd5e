import "server-only";
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
  const [topologies, runs, controlsOf] = await Promise.all([
    readTopology(now, scope),
    db().run.findMany({ where: scope ? { activeForServiceId: { in: [...scope] } } : { activeForServiceId: { not: null } }, select: { id: true, runbookId: true, status: true, activeForServiceId: true } }),
    automationControls(scope, now),
  ]);
  const runsOf = new Map<string, ActiveRun[]>();
  for (const { activeForServiceId, ...run } of runs) runsOf.set(activeForServiceId!, [...(runsOf.get(activeForServiceId!) ?? []), run]);
  return topologies.map((topology) => automationSnapshotOf(topology, runsOf.get(topology.serviceId) ?? [], controlsOf(topology.serviceId)));
}

/** One live service's snapshot, read the same way (its page; a run waiting for the old primary's lease). */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [snapshot] = await automationSnapshots(now, [serviceId]);
  if (!snapshot) throw new NotFoundError(`No live service with id ${serviceId}.`);
  return snapshot;
}
