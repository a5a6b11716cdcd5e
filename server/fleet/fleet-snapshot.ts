import "server-only";
import type { AutomationControls } from "@/core/automation/snapshot";
import { judgeReplica, serviceBudgets, type ServiceBudgets } from "@/core/fleet/judge-replica";
import type { JudgedReplica } from "@/core/fleet/service-summary";
import { db } from "../db/client";
import type { Region } from "../db/generated/client";
import { automationControls } from "../automation-snapshot/automation-controls";
import { type EffectivePolicy, livePolicies } from "../policy/effective-policy";
import { replicaStates } from "./replica-states";
import { witnessLinks, type WitnessLinkRow } from "./witness-links";

export interface ServiceInSnapshot {
  id: string;
  name: string;
  engine: "postgresql" | "mysql" | "mariadb" | "simulated";
  epoch: number;
  writeRegionId: string | null;
  writeReplicaName: string | null;
  policy: EffectivePolicy | undefined;
  /** Pause, the promotions a cooldown runs from, and acknowledgement, as the automation reads them. */
  controls: AutomationControls;
  budgets: ServiceBudgets;
  replicas: JudgedReplica[];
}

/** The whole fleet read and judged with one `now`. */
export interface FleetSnapshot {
  now: Date;
  regions: Region[];
  services: ServiceInSnapshot[];
  links: WitnessLinkRow[];
}

/**
 * Reads every service, replica, latest state, witness link and effective
 * policy in a fixed number of statements, whatever the fleet's size, and
 * judges each replica as the service page does.
 */
export async function fleetSnapshot(now = new Date()): Promise<FleetSnapshot> {
  const [services, regions, replicas, links, policyOf, controls] = await Promise.all([
    db().service.findMany({
      where: { retiredAt: null },
      select: {
        id: true,
        name: true,
        engine: true,
        epoch: true,
        writeReplica: { select: { regionId: true, name: true } },
        datasets: { select: { consistency: true, rpoSeconds: true } },
      },
      orderBy: { id: "asc" },
    }),
    db().region.findMany({ where: { retiredAt: null }, orderBy: { id: "asc" } }),
    replicaStates(),
    witnessLinks(),
    livePolicies(),
    automationControls(null, now),
  ]);

  const byService = new Map<string, ServiceInSnapshot>(
    services.map((service) => {
      const policy = policyOf(service.id);
      return [
        service.id,
        {
          id: service.id,
          name: service.name,
          engine: service.engine,
          epoch: service.epoch,
          writeRegionId: service.writeReplica?.regionId ?? null,
          writeReplicaName: service.writeReplica?.name ?? null,
          policy,
          controls: controls(service.id),
          budgets: serviceBudgets(policy?.document, service.datasets),
          replicas: [],
        },
      ];
    }),
  );
  // A replica whose service appeared after the services were read waits for the next refresh.
  for (const replica of replicas) {
    const service = byService.get(replica.serviceId);
    if (!service) continue;
    const verdict = judgeReplica(replica.role, replica.observation, service.budgets, now);
    service.replicas.push({
      id: replica.id,
      name: replica.name,
      regionId: replica.regionId,
      health: verdict.health,
      reasons: verdict.reasons,
      lagBytes: replica.observation?.lagBytes ?? null,
      lagSeconds: replica.observation?.lagSeconds ?? null,
    });
  }
  return { now, regions, services: [...byService.values()], links };
}
