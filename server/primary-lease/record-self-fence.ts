import "server-only";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { lockReplicaAudits } from "./replica-lock";

const sameFence = (known: { fencedAt: Date } | null, reported: Date | null) => (known?.fencedAt.getTime() ?? null) === (reported?.getTime() ?? null);

/**
 * Audits the agent's own fence of its server, which only the agent knows of
 * (it fences exactly when it cannot hear from us): when a request first says
 * it is in place, and when one first says it is gone. Nearly every request
 * changes nothing, which the fence as the renewal read it (`lastKnown`)
 * tells; a change is written under the replica's lock, after reading it
 * again, so retries of one request audit it once.
 */
export async function recordSelfFence(agent: AgentPrincipal, selfFencedAt: string | null, lastKnown: Date | null): Promise<void> {
  const reported = selfFencedAt === null ? null : new Date(selfFencedAt);
  if (sameFence(lastKnown && { fencedAt: lastKnown }, reported)) return;
  await db().$transaction(async (tx) => {
    await lockReplicaAudits(tx, agent);
    const known = await tx.selfFence.findUnique({ where: { replicaId: agent.replicaId } });
    if (!sameFence(known, reported)) await audit(tx, agent, known, reported);
  });
}

async function audit(tx: Tx, agent: AgentPrincipal, known: { fencedAt: Date } | null, reported: Date | null): Promise<void> {
  const actor = { type: "agent" as const, id: agent.agentId, label: agent.name };
  const target = { type: "replica", id: agent.replicaId };
  if (reported) {
    await tx.selfFence.upsert({ where: { replicaId: agent.replicaId }, create: { replicaId: agent.replicaId, serviceId: agent.serviceId, fencedAt: reported }, update: { fencedAt: reported } });
    await appendAuditEvent(tx, {
      actor,
      action: "primary_lease.self_fence",
      target,
      serviceId: agent.serviceId,
      reason: "the agent made its primary read-only by itself: its lease lapsed, or the control plane refused it",
      after: { readOnly: true },
      details: { fencedAt: reported.toISOString() },
    });
    return;
  }
  await tx.selfFence.delete({ where: { replicaId: agent.replicaId } });
  await appendAuditEvent(tx, {
    actor,
    action: "primary_lease.self_unfence",
    target,
    serviceId: agent.serviceId,
    reason: "the control plane granted the lease again: the agent undid its own fence",
    before: { readOnly: true },
    after: { readOnly: false },
    details: { fencedAt: known?.fencedAt.toISOString() ?? null },
  });
}
