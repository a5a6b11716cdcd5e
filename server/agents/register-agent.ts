import "server-only";
import type { AgentView, RegisterAgentRequest } from "@/contracts/agents";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db, type Db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { newTokenSecret } from "../tokens/token-secret";
import { AGENT_TOKEN_PREFIX } from "./agent-token";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";

/**
 * Registers the agent of one replica and issues its token (shown once,
 * stored hashed). A replica has at most one agent.
 */
export async function registerAgent(request: RegisterAgentRequest, actor: AuditActor, client: Db = db()): Promise<{ agent: AgentView; token: string }> {
  const { secret, hash, prefix } = newTokenSecret(AGENT_TOKEN_PREFIX);
  return client.$transaction(async (tx) => {
    const replica = await tx.replica.findUnique({ where: { id: request.replicaId }, include: { agent: true } });
    if (!replica) throw new NotFoundError(`No replica with id ${request.replicaId}.`);
    if (replica.agent) throw new ConflictError(`Replica ${replica.name} already has agent ${replica.agent.name}; rotate its token instead.`, "replicaId");
    if (await tx.agent.findUnique({ where: { name: request.name } })) throw new ConflictError(`An agent named ${request.name} exists.`, "name");
    const agent = await tx.agent.create({
      data: { name: request.name, replicaId: replica.id, tokenHash: hash, tokenPrefix: prefix },
      include: AGENT_VIEW_INCLUDE,
    });
    await appendAuditEvent(tx, {
      actor,
      action: "agent.register",
      target: { type: "agent", id: agent.id },
      serviceId: replica.serviceId,
      after: { name: agent.name, replica: replica.name, tokenPrefix: prefix },
    });
    return { agent: agentView(agent), token: secret };
  });
}
