import "server-only";
import { decideSelfFenceAudit, type SelfFenceAuditDecision, type SelfFenceRecord } from "@/core/agents/self-fence-audit";
import { primaryLeaseMs } from "@/core/policy/budgets";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import type { LeaseFacts } from "./lease-facts";
import { lockReplicaAudits } from "./replica-lock";

/** The limit's period for a service with no policy in force (a store never seeded): a minute. */
const PERIOD_WITHOUT_POLICY_MS = 60_000;

const REASONS = {
  "primary_lease.self_fence": "the agent made its primary read-only by itself: its lease lapsed, or the control plane refused it",
  "primary_lease.self_unfence": "the control plane granted the lease again: the agent undid its own fence",
} as const;

/**
 * Audits the agent's own fence of its server, which only the agent knows of
 * (it fences exactly when it cannot hear from us): when a request first says
 * it is in place, and when one first says it is gone, at most one fence
 * event a lease period, counting the rest (core/agents/self-fence-audit.ts:
 * a token that varies selfFencedAt on every request must not flood the
 * chain). Nearly every request changes nothing, which the fence as the
 * renewal read it (`facts`) tells without a statement; a change is written
 * under the replica's lock, after reading it again, so retries of one
 * request audit it once.
 */
export async function recordSelfFence(agent: AgentPrincipal, selfFencedAt: string | null, facts: Pick<LeaseFacts, "selfFence" | "heartbeat">): Promise<void> {
  const reported = selfFencedAt === null ? null : new Date(selfFencedAt);
  const periodMs = facts.heartbeat ? primaryLeaseMs(facts.heartbeat) : PERIOD_WITHOUT_POLICY_MS;
  if (!decideSelfFenceAudit({ known: facts.selfFence, reported, now: new Date(), periodMs }).next) return;
  await db().$transaction(async (tx) => {
    await lockReplicaAudits(tx, agent);
    const known = await tx.selfFence.findUnique({ where: { replicaId: agent.replicaId } });
    const decision = decideSelfFenceAudit({ known, reported, now: new Date(), periodMs });
    if (!decision.next) return;
    await store(tx, agent, decision.next);
    if (decision.event) await audit(tx, agent, decision, known, periodMs);
  });
}

async function store(tx: Tx, agent: AgentPrincipal, next: SelfFenceRecord): Promise<void> {
  await tx.selfFence.upsert({ where: { replicaId: agent.replicaId }, create: { replicaId: agent.replicaId, serviceId: agent.serviceId, ...next }, update: next });
}

async function audit(tx: Tx, agent: AgentPrincipal, decision: SelfFenceAuditDecision, known: SelfFenceRecord | null, periodMs: number): Promise<void> {
  const event = decision.event!;
  const fenced = event === "primary_lease.self_fence";
  const counted = decision.unauditedChanges;
  const fencedAt = fenced ? decision.next!.fencedAt : known?.fencedAt ?? null;
  await appendAuditEvent(tx, {
    actor: { type: "agent", id: agent.agentId, label: agent.name },
    action: event,
    target: { type: "replica", id: agent.replicaId },
    serviceId: agent.serviceId,
    reason: counted
      ? `${REASONS[event]}; ${counted} earlier change${counted === 1 ? " of its fence was" : "s of its fence were"} only counted (at most one fence event every ${periodMs / 1000} s, the lease period)`
      : REASONS[event],
    ...(fenced ? { after: { readOnly: true } } : { before: { readOnly: true }, after: { readOnly: false } }),
    details: { fencedAt: fencedAt?.toISOString() ?? null, rule: decision.rule, unauditedChanges: counted },
  });
}
