import "server-only";
import type { AgentView } from "@/contracts/agents";
import type { Agent, Replica } from "../db/generated/client";

export const AGENT_VIEW_INCLUDE = { replica: { select: { name: true, serviceId: true, regionId: true } } } as const;

export function agentView(agent: Agent & { replica: Pick<Replica, "name" | "serviceId" | "regionId"> }): AgentView {
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
  };
}
