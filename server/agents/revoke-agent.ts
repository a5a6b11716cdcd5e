import "server-only";
import type { AgentView } from "@/contracts/agents";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../errors";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";

/**
 * Revokes an agent's token. What it last said as a witness goes with it: a
 * revoked agent (perhaps a stolen token) must not keep a vote in a quorum
 * that declares a primary lost. Ingest refuses a revoked agent under the same
 * row lock, so no witness link it sends can land after this.
 */
export async function revokeAgent(agentId: string, actor: AuditActor): Promise<AgentView> {
  return db().$transaction((tx) => revokeAgentIn(tx, agentId, actor));
}

/** `revokeAgent` inside the caller's transaction, e.g. together with the retirement of the agent's replica. */
export async function revokeAgentIn(tx: Tx, agentId: string, actor: AuditActor, reason: string | null = null): Promise<AgentView> {
  const before = await tx.agent.findUnique({ where: { id: agentId }, include: AGENT_VIEW_INCLUDE });
  if (!before) throw new NotFoundError(`No agent with id ${agentId}.`);
  if (before.revokedAt) throw new ConflictError(`Agent ${before.name} was already revoked.`);
  const agent = await tx.agent.update({ where: { id: agentId }, data: { revokedAt: new Date() }, include: AGENT_VIEW_INCLUDE });
  const withdrawn = await tx.witnessLink.deleteMany({ where: { fromReplicaId: agent.replicaId } });
  await appendAuditEvent(tx, {
    actor,
    action: "agent.revoke",
    target: { type: "agent", id: agentId },
    serviceId: before.replica.serviceId,
    reason,
    before: { revokedAt: null },
    after: { revokedAt: agent.revokedAt },
    details: { witnessLinksWithdrawn: withdrawn.count },
  });
  return agentView(agent);
}
