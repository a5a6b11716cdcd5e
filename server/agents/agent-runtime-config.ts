import "server-only";
import { agentRuntimeConfig } from "@/core/agents/runtime-config";
import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { effectivePolicies } from "../policy/effective-policy";
import type { AgentPrincipal } from "./resolve-agent";

/** `GET /api/v1/agents/config`: the agent's replica, its peers to witness and its intervals, from the store and the service's policy. */
export async function agentRuntimeConfigFor(agent: AgentPrincipal): Promise<AgentRuntimeConfig> {
  const replicas = await db().replica.findMany({ where: { serviceId: agent.serviceId, retiredAt: null } });
  const replica = replicas.find((candidate) => candidate.id === agent.replicaId);
  if (!replica) throw new NotFoundError(`Replica ${agent.replicaId} of agent ${agent.name} was retired or no longer exists.`);
  const policy = (await effectivePolicies([agent.serviceId])).get(agent.serviceId);
  if (!policy) throw new NotFoundError(`Service ${agent.serviceId} has no policy (nor a global one) to take the heartbeat interval from.`);
  return agentRuntimeConfig({
    agentName: agent.name,
    replica,
    peers: replicas.filter((peer) => peer.id !== replica.id),
    heartbeatIntervalSeconds: policy.document.heartbeat.intervalSeconds,
  });
}
