import "server-only";
import type { AgentView } from "@/contracts/agents";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db, type Db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { newTokenSecret } from "../token-secret";
import { AGENT_TOKEN_PREFIX } from "./agent-token";
import { AGENT_VIEW_INCLUDE, agentView } from "./agent-view";
import { raceAsConflict } from "./race-as-conflict";

/**
 * Replaces an agent's token; the old one stops working at once. Also
 * re-enables a revoked agent, unless its replica has another active agent by
 * now. Whoever holds the new token was vouched for by an admin, so its next
 * stored batch sets where the sequence numbers go on from: the agent may
 * carry on from its own queue (however far a stolen token pushed the stored
 * number, or however far the queue got meanwhile), or start again at 1 with a
 * fresh queue. Reports at or below the stored number stay refused as
 * already stored, so a queue that carries on is still stored exactly once.
 * Its witness key is unbound too: whoever holds the new token binds the key
 * its next batch offers (a stolen token must not keep a thief's key listed).
 */
export async function rotateAgentToken(agentId: string, actor: AuditActor, client: Db = db()): Promise<{ agent: AgentView; token: string }> {
  const { secret, hash, prefix } = newTokenSecret(AGENT_TOKEN_PREFIX);
  return raceAsConflict(
    client.$transaction(async (tx) => {
      const before = await tx.agent.findUnique({ where: { id: agentId }, include: { replica: { select: { serviceId: true, name: true } } } });
      if (!before) throw new NotFoundError(`No agent with id ${agentId}.`);
      if (before.revokedAt) {
        const successor = await tx.agent.findFirst({ where: { replicaId: before.replicaId, revokedAt: null } });
        if (successor) throw new ConflictError(`Replica ${before.replica.name} has agent ${successor.name} now; revoke it before re-enabling ${before.name}.`);
      }
      const agent = await tx.agent.update({
        where: { id: agentId },
        data: { tokenHash: hash, tokenPrefix: prefix, revokedAt: null, seqBaselinePending: true, witnessKey: null, witnessKeyAt: null, refusedWitnessKey: null },
        include: AGENT_VIEW_INCLUDE,
      });
      await appendAuditEvent(tx, {
        actor,
        action: "agent.token_rotate",
        target: { type: "agent", id: agentId },
        serviceId: before.replica.serviceId,
        before: { tokenPrefix: before.tokenPrefix, revokedAt: before.revokedAt, lastSeq: Number(before.lastSeq), witnessKey: before.witnessKey },
        after: { tokenPrefix: prefix, revokedAt: null, seqBaselinePending: true, witnessKey: null },
      });
      return { agent: agentView(agent), token: secret };
    }),
    `Replica of agent ${agentId} got another active agent at the same moment; list the agents and try again.`,
  );
}
