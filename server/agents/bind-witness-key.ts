import "server-only";
import type { AgentPrincipal } from "./resolve-agent";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";

/**
 * Binds the witness key an agent offers with its reports, the first time it
 * offers one: from then on, primaries count only vouches signed with it. A
 * different key later is never bound (it means the agent lost its state
 * folder, or someone else holds its token): it is refused and shown on the
 * agent, and an admin rotates the token to let the agent bind a new one.
 * Only the first refusal under a token is audited: whoever holds the token
 * could otherwise write an audit event per batch by offering a new key each
 * time; later keys only replace the one shown. Nearly every batch offers
 * the bound key, which the principal already tells without a read.
 */
export async function bindWitnessKey(agent: AgentPrincipal, offered: string | undefined): Promise<void> {
  if (!offered || offered === agent.witnessKey || offered === agent.refusedWitnessKey) return;
  await db().$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ witnessKey: string | null; refusedWitnessKey: string | null }[]>`
      SELECT "witnessKey", "refusedWitnessKey" FROM "Agent" WHERE id = ${agent.agentId} AND "revokedAt" IS NULL FOR UPDATE`;
    if (!current || current.witnessKey === offered || current.refusedWitnessKey === offered) return;
    const actor = { type: "agent" as const, id: agent.agentId, label: agent.name };
    const target = { type: "agent", id: agent.agentId };
    if (current.witnessKey === null) {
      await tx.agent.update({ where: { id: agent.agentId }, data: { witnessKey: offered, witnessKeyAt: new Date(), refusedWitnessKey: null } });
      await appendAuditEvent(tx, {
        actor,
        action: "agent.witness_key_bind",
        target,
        serviceId: agent.serviceId,
        reason: "the agent's first witness key: primaries count its vouches only under this key",
        before: { witnessKey: null },
        after: { witnessKey: offered },
      });
      return;
    }
    await tx.agent.update({ where: { id: agent.agentId }, data: { refusedWitnessKey: offered } });
    if (current.refusedWitnessKey !== null) return;
    await appendAuditEvent(tx, {
      actor,
      action: "agent.witness_key_refuse",
      target,
      serviceId: agent.serviceId,
      outcome: "failure",
      reason: "the agent offered a witness key other than the one bound to its token (a lost state folder, or someone else holding the token): its vouches do not count until an admin rotates its token",
      details: { bound: current.witnessKey, offered },
    });
  });
}
