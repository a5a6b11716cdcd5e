import "server-only";
import { judgeReplica, observationOf, serviceBudgets } from "@/core/fleet/judge-replica";
import type { AgentReport } from "@/contracts/agent-reports";
import type { ServiceDetail } from "@/contracts/services";
import { ACTIVE_AGENT } from "../agents/active-agent";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { effectivePolicies } from "../policy/effective-policy";
import { replicasOf, SERVICE_INCLUDE, serviceView } from "./service-view";

const asNumber = (value: bigint | null) => (value === null ? null : Number(value));

/**
 * A service's topology with what each replica's agent last reported, judged
 * against the effective policy; a retired service as it was when retired.
 */
export async function serviceDetail(serviceId: string, now = new Date()): Promise<ServiceDetail> {
  const found = await db().service.findUnique({ where: { id: serviceId }, select: { retiredAt: true } });
  if (!found) throw new NotFoundError(`No service with id ${serviceId}.`);
  const service = await db().service.findUnique({
    where: { id: serviceId },
    include: {
      ...SERVICE_INCLUDE,
      replicas: { ...replicasOf(found.retiredAt), include: { state: true, agents: ACTIVE_AGENT } },
    },
  });
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  const [policy, regions] = await Promise.all([
    effectivePolicies([serviceId]).then((policies) => policies.get(serviceId)),
    db().region.findMany({ where: { id: { in: service.replicas.map((replica) => replica.regionId) } }, orderBy: { id: "asc" } }),
  ]);
  const budgets = serviceBudgets(policy?.document, service.datasets);

  const reports = new Map(service.replicas.map((replica) => [replica.id, replica.state?.report as AgentReport | undefined]));
  const syncStates = new Map<string, string | null>();
  for (const replica of service.replicas) {
    for (const standby of reports.get(replica.id)?.standbys ?? []) syncStates.set(standby.applicationName, standby.syncState);
  }

  const base = serviceView(service, policy);
  return {
    ...base,
    regions,
    staleAfterSeconds: budgets.staleAfterMs / 1000,
    generatedAt: now.toISOString(),
    replicas: service.replicas.map((replica, index) => {
      const state = replica.state;
      const report = reports.get(replica.id);
      const agent = replica.agents[0];
      const verdict = judgeReplica(replica.role, state ? observationOf(state, report) : null, budgets, now);
      return {
        ...base.replicas[index]!,
        agent: agent
          ? { id: agent.id, name: agent.name, version: agent.version, lastHeartbeatAt: agent.lastHeartbeatAt?.toISOString() ?? null, clockSkewMs: agent.clockSkewMs }
          : null,
        live: {
          health: verdict.health,
          reasons: verdict.reasons,
          lastReportAt: state?.receivedAt.toISOString() ?? null,
          observedAt: state?.observedAt.toISOString() ?? null,
          reachable: state?.reachable ?? null,
          reportedRole: state?.role === "primary" || state?.role === "standby" ? state.role : null,
          timeline: state?.timeline ?? null,
          lsn: {
            current: state?.currentLsn?.toString() ?? null,
            received: state?.receivedLsn?.toString() ?? null,
            replayed: state?.replayedLsn?.toString() ?? null,
          },
          lagBytes: asNumber(state?.lagBytes ?? null),
          lagSeconds: state?.lagSeconds ?? null,
          syncState: syncStates.get(replica.name) ?? null,
          walReceiverStatus: report?.walReceiver?.status ?? null,
          queryLatencyMs: state?.queryLatencyMs ?? null,
          recoveryConflicts: state?.recoveryConflicts ?? null,
          logicalConflicts: state?.logicalConflicts ?? null,
        },
      };
    }),
  };
}
