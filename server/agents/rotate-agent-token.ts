import "server-only";
import type { AgentView } from "@/contracts/agents";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db, type Db } from "../db/client";
import { NotFoundError } from "../errors";
import { newTokenSecret } from "../tokens/token-secret";
import { AGENT_TOKEN_PREFIX } from "./agent-token";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";

/**
 * Replaces an agent's token; the old one stops working at once. Also
 * re-enables a revoked agent, which then needs the new token. Its sequence
 * numbers carry on, so its queued reports are still accepted exactly once.
 * Its witness key is unbound: whoever holds the new token binds the key its
 * next batch offers (a stolen token must not keep a thief's key listed).
 */
export async function rotateAgentToken(agentId: string, actor: AuditActor, client: Db = db()): Promise<{ agent: AgentView; token: string }> {
  const { secret, hash, prefix } = newTokenSecret(AGENT_TOKEN_PREFIX);
  return client.$transaction(async (tx) => {
    const before = await tx.agent.findUnique({ where: { id: agentId }, include: { replica: { select: { serviceId: true } } } });
    if (!before) throw new NotFoundError(`No agent with id ${agentId}.`);
    const agent = await tx.agent.update({
      where: { id: agentId },
      data: { tokenHash: hash, tokenPrefix: prefix, revokedAt: null, witnessKey: null, witnessKeyAt: null, refusedWitnessKey: null },
      include: AGENT_VIEW_INCLUDE,
    });
    await appendAuditEvent(tx, {
      actor,
      action: "agent.token_rotate",
      target: { type: "agent", id: agentId },
      serviceId: before.replica.serviceId,
      before: { tokenPrefix: before.tokenPrefix, revokedAt: before.revokedAt, witnessKey: before.witnessKey },
      after: { tokenPrefix: prefix, revokedAt: null, witnessKey: null },
    });
    return { agent: agentView(agent), token: secret };
  });
}
