import "server-only";
import { agentHealthEndpointSchema } from "@/contracts/agent-reports";
import type { AgentView } from "@/contracts/agents";
import type { Agent, Replica, ReplicaState } from "../db/generated/client";

export const AGENT_VIEW_INCLUDE = { replica: { select: { name: true, serviceId: true, regionId: true, state: { select: { agentId: true, report: true } } } } } as const;

type ViewedAgent = Agent & { replica: Pick<Replica, "name" | "serviceId" | "regionId"> & { state: Pick<ReplicaState, "agentId" | "report"> | null } };

/** The health endpoint the replica's latest report names, if this agent sent that report. */
function healthEndpointOf(agent: ViewedAgent): AgentView["health"] {
  const state = agent.replica.state;
  if (!state || state.agentId !== agent.id) return null;
  const parsed = agentHealthEndpointSchema.safeParse((state.report as { health?: unknown } | null)?.health);
  return parsed.success ? parsed.data : null;
}

export function agentView(agent: ViewedAgent): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    replicaId: agent.replicaId,
    replicaName: agent.replica.name,
    serviceId: agent.replica.serviceId,
    regionId: agent.replica.regionId,
    tokenPrefix: agent.tokenPrefix,
    version: agent.version,
    lastHeartbeatAt: agent.lastHeartbeatAt?.toISOString() ?? null,
    lastSeq: Number(agent.lastSeq),
    clockSkewMs: agent.clockSkewMs,
    droppedReports: agent.droppedReports,
    createdAt: agent.createdAt.toISOString(),
    revokedAt: agent.revokedAt?.toISOString() ?? null,
    witnessKey: agent.witnessKey,
    witnessKeyAt: agent.witnessKeyAt?.toISOString() ?? null,
    refusedWitnessKey: agent.refusedWitnessKey,
    health: healthEndpointOf(agent),
  };
}
