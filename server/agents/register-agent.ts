import "server-only";
import type { AgentView, RegisterAgentRequest } from "@/contracts/agents";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db, type Db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { newTokenSecret } from "../token-secret";
import { ACTIVE_AGENT } from "./active-agent";
import { AGENT_TOKEN_PREFIX } from "./agent-token";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";
import { raceAsConflict } from "./race-as-conflict";

/**
 * Registers the agent of one replica and issues its token (shown once,
 * stored hashed). A replica has at most one active agent; once its agent is
 * revoked it can get a new one (the revoked agent stays, for the audit
 * trail). The new agent's first stored batch sets where its sequence numbers
 * go on from, so it may start at 1 or carry on an earlier agent's queue.
 */
export async function registerAgent(request: RegisterAgentRequest, actor: AuditActor, client: Db = db()): Promise<{ agent: AgentView; token: string }> {
  const { secret, hash, prefix } = newTokenSecret(AGENT_TOKEN_PREFIX);
  return raceAsConflict(
    client.$transaction(async (tx) => {
      const replica = await tx.replica.findUnique({ where: { id: request.replicaId }, include: { agents: ACTIVE_AGENT } });
      if (!replica) throw new NotFoundError(`No replica with id ${request.replicaId}.`);
      if (replica.retiredAt) throw new ConflictError(`Replica ${replica.name} was retired at ${replica.retiredAt.toISOString()}; it takes no agent.`, "replicaId");
      const active = replica.agents[0];
      if (active) throw new ConflictError(`Replica ${replica.name} already has agent ${active.name}; rotate its token, or revoke it first.`, "replicaId");
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
    }),
    `Another agent of replica ${request.replicaId}, or named ${request.name}, was registered at the same moment; list the agents and try again.`,
  );
}
