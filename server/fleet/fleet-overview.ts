import "server-only";
import { automationState } from "@/core/fleet/automation-state";
import { countByHealth } from "@/core/fleet/region-health";
import { serviceSummary } from "@/core/fleet/service-summary";
import { type LoopName, LOOPS, loopStall, notDecidedSentence } from "@/core/loops/loop-stall";
import type { FleetOverview, ServiceOverview } from "@/contracts/fleet-overview";
import { ACTIVE_RUN_STATUSES } from "@/contracts/runs";
import { db } from "../db/client";
import { loopProgress } from "../loops/loop-progress";
import { storeRoleWarnings } from "../store/store-role-warnings";
import { fleetSnapshot } from "./fleet-snapshot";
import { regionStatesOf } from "./region-states";

type ActiveRun = ServiceOverview["activeRuns"][number];

const isActive = (status: string): status is ActiveRun["status"] => (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);

/** Runs not finished yet, by service, oldest first. */
async function activeRuns(): Promise<Map<string, ActiveRun[]>> {
  const runs = await db().run.findMany({
    where: { status: { in: [...ACTIVE_RUN_STATUSES] } },
    select: { id: true, serviceId: true, runbookId: true, status: true, startedAt: true, runbook: { select: { title: true } } },
    orderBy: { createdAt: "asc" },
  });
  const byService = new Map<string, ActiveRun[]>();
  for (const run of runs) {
    if (!isActive(run.status)) continue;
    const summary = {
      id: run.id,
      runbookId: run.runbookId,
      runbookTitle: run.runbook.title,
      status: run.status,
      startedAt: run.startedAt?.toISOString() ?? null,
      href: `/runs/${encodeURIComponent(run.id)}`,
    };
    byService.set(run.serviceId, [...(byService.get(run.serviceId) ?? []), summary]);
  }
  return byService;
}

/**
 * The fleet at a glance: is anything wrong, and where. A fixed number of
 * statements whatever the number of services and replicas.
 */
export async function fleetOverview(now = new Date()): Promise<FleetOverview> {
  const [snapshot, runs, loops, storeWarnings] = await Promise.all([fleetSnapshot(now), activeRuns(), loopProgress(), storeRoleWarnings()]);
  const decider = loops.get("decider") ?? null;
  return {
    services: snapshot.services.map((service) => {
      const summary = serviceSummary(service.replicas, service.budgets);
      return {
        id: service.id,
        name: service.name,
        engine: service.engine,
        epoch: service.epoch,
        writeRegionId: service.writeRegionId,
        writeReplicaName: service.writeReplicaName,
        ...summary,
        staleAfterSeconds: service.budgets.staleAfterMs / 1000,
        automation: automationState(service.policy && { ...service.policy.document.failover, maintenanceWindows: service.policy.document.maintenanceWindows }, service.controls, snapshot.now, notDecidedSentence(decider, service.id, snapshot.now)),
        activeRuns: runs.get(service.id) ?? [],
      };
    }),
    loopStalls: (Object.keys(LOOPS) as LoopName[]).flatMap((loop) => {
      const stall = loopStall(loop, loops.get(loop) ?? null, snapshot.now);
      return stall ? [{ loop, lastPassAt: stall.lastPassAt?.toISOString() ?? null, sentence: stall.sentence }] : [];
    }),
    storeWarnings,
    regions: regionStatesOf(snapshot),
    replicas: countByHealth(snapshot.services.flatMap((service) => service.replicas.map((replica) => replica.health))),
    generatedAt: now.toISOString(),
  };
}
