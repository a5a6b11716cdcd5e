import "server-only";
import { db } from "../db/client";
import { AGENT_TOKEN_PREFIX, hashAgentToken } from "./agent-token";

export interface AgentPrincipal {
  type: "agent";
  agentId: string;
  name: string;
  replicaId: string;
  serviceId: string;
}

/** The agent behind a bearer token, unless the token is unknown or revoked. */
export async function agentFromRequest(request: Request): Promise<AgentPrincipal | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "");
  const secret = match?.[1];
  if (!secret?.startsWith(AGENT_TOKEN_PREFIX)) return null;
  const agent = await db().agent.findUnique({
    where: { tokenHash: hashAgentToken(secret) },
    select: { id: true, name: true, replicaId: true, revokedAt: true, replica: { select: { serviceId: true } } },
  });
  if (!agent || agent.revokedAt) return null;
  return { type: "agent", agentId: agent.id, name: agent.name, replicaId: agent.replicaId, serviceId: agent.replica.serviceId };
}
