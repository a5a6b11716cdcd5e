import "server-only";
import { primaryLeaseMs } from "@/core/policy/budgets";
import type { PrimaryLeaseAnswer, PrimaryLeaseRequest } from "@/contracts/primary-lease";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { appendAuditEvent } from "../audit/append-audit-event";
import { commandSigningKey } from "../commands/signing-key";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { effectivePolicies } from "../policy/effective-policy";
import { leaseGrant, type GrantFacts } from "./grant-rule";
import { recordSelfFence } from "./record-self-fence";
import { lockReplicaAudits } from "./replica-lock";
import { signedWitnessRoster } from "./witness-roster";


/**
 * Grants or refuses the asking replica's lease. The service's row is read
 * FOR SHARE: a promotion bumps the epoch (an UPDATE of that row) in the
 * transaction that issues its command, so a renewal either commits before the
 * promotion's transaction reads the lease, or waits for it and then sees its
 * command and refuses. A grant upserts the lease with the store's clock;
 * renewals are not audited (one a second per primary would drown the trail).
 */
export async function renewPrimaryLease(agent: AgentPrincipal, request: PrimaryLeaseRequest): Promise<PrimaryLeaseAnswer> {
  const answer = await answerLease(agent, request);
  await recordSelfFence(agent, request.selfFencedAt);
  return answer;
}

async function answerLease(agent: AgentPrincipal, request: PrimaryLeaseRequest): Promise<PrimaryLeaseAnswer> {
  const policy = (await effectivePolicies([agent.serviceId])).get(agent.serviceId);
  if (!policy) throw new Error(`no policy is in force for ${agent.serviceId}, so there is no lease period`);
  const periodMs = primaryLeaseMs(policy.document.heartbeat);
  const key = await commandSigningKey();

  return db().$transaction(async (tx) => {
    const [service] = await tx.$queryRaw<{ epoch: number; writeReplicaId: string | null; retiredAt: Date | null }[]>`
      SELECT epoch, "writeReplicaId", "retiredAt" FROM "Service" WHERE id = ${agent.serviceId} FOR SHARE`;
    if (!service) throw new Error(`service ${agent.serviceId} of agent ${agent.name} is gone`);
    const facts = { ...(await grantFacts(tx, agent, request, service.writeReplicaId)), serviceRetiredAt: service.retiredAt };
    const decision = leaseGrant(facts);
    if (decision.granted) {
      const roster = await signedWitnessRoster(tx, agent, facts.replica.name, service.epoch, key);
      await tx.$executeRaw`
        INSERT INTO "PrimaryLease" ("replicaId", "serviceId", epoch, "renewedAt", "periodMs", witnesses)
        VALUES (${agent.replicaId}, ${agent.serviceId}, ${service.epoch}, now(), ${periodMs}, ${roster.names})
        ON CONFLICT ("replicaId") DO UPDATE SET
          "serviceId" = EXCLUDED."serviceId", epoch = EXCLUDED.epoch, "renewedAt" = EXCLUDED."renewedAt",
          "periodMs" = EXCLUDED."periodMs", witnesses = EXCLUDED.witnesses, "lapseRecordedAt" = NULL`;
      return { granted: true, periodMs, epoch: service.epoch, witnessRoster: roster.token };
    }
    if (request.role === "primary" && !request.readOnly) await auditRefusalOnce(tx, agent, facts, decision.reason, service.epoch);
    return { granted: false, reason: decision.reason, epoch: service.epoch };
  });
}

// In a statement of its own after the lock: under READ COMMITTED it then sees
// a promotion whose transaction the lock waited for (a re-check of a locked
// row does not re-read the tables joined to it).
async function grantFacts(tx: Tx, agent: AgentPrincipal, request: PrimaryLeaseRequest, writeReplicaId: string | null): Promise<Omit<GrantFacts, "serviceRetiredAt">> {
  // A promote the agent refused, or that expired undelivered, promoted nothing; one that failed may still have.
  const [row] = await tx.$queryRaw<{ name: string; writeName: string | null; runId: string | null; targetId: string | null; targetName: string | null }[]>`
    SELECT me.name, w.name AS "writeName", run.id AS "runId", target.id AS "targetId", target.name AS "targetName"
      FROM "Replica" me
      LEFT JOIN "Replica" w ON w.id = ${writeReplicaId}
      LEFT JOIN "Run" run ON run."activeForServiceId" = me."serviceId"
      LEFT JOIN LATERAL (
        SELECT r.id, r.name FROM "AgentCommand" c JOIN "Agent" a ON a.id = c."agentId" JOIN "Replica" r ON r.id = a."replicaId"
         WHERE c."runId" = run.id AND c.kind = 'promote' AND c.status NOT IN ('refused', 'expired')
         ORDER BY c."createdAt" DESC LIMIT 1
      ) target ON true
     WHERE me.id = ${agent.replicaId}`;
  if (!row) throw new Error(`replica ${agent.replicaId} of agent ${agent.name} is gone`);
  return {
    replica: { id: agent.replicaId, name: row.name },
    observed: { role: request.role, readOnly: request.readOnly },
    writeReplica: writeReplicaId && row.writeName ? { id: writeReplicaId, name: row.writeName } : null,
    promoting: row.runId && row.targetId && row.targetName ? { runId: row.runId, target: { id: row.targetId, name: row.targetName } } : null,
  };
}

/**
 * A writable primary that is refused will fence itself; that it was refused
 * is audited once per episode, not once a second while it keeps asking (its
 * fence may fail, or it may not be our agent's doing at all). An episode
 * ends when the replica is granted its lease again, so a refusal is audited
 * unless one was since its last grant. Under the replica's lock, so two
 * control-plane copies answering one agent's retries audit it once.
 */
async function auditRefusalOnce(tx: Tx, agent: AgentPrincipal, facts: GrantFacts, reason: string, epoch: number): Promise<void> {
  await lockReplicaAudits(tx, agent);
  const audited = await tx.auditEvent.findFirst({
    where: { action: "primary_lease.refuse", targetType: "replica", targetId: agent.replicaId },
    orderBy: { seq: "desc" },
    select: { at: true },
  });
  const lease = await tx.primaryLease.findUnique({ where: { replicaId: agent.replicaId }, select: { renewedAt: true } });
  if (audited && (!lease || lease.renewedAt < audited.at)) return;
  await appendAuditEvent(tx, {
    actor: { type: "agent", id: agent.agentId, label: agent.name },
    action: "primary_lease.refuse",
    target: { type: "replica", id: agent.replicaId },
    serviceId: agent.serviceId,
    outcome: "failure",
    reason: `${reason}; the agent fences its writable primary`,
    details: {
      replica: facts.replica.name,
      observed: facts.observed,
      writeReplica: facts.writeReplica?.name ?? null,
      promoting: facts.promoting ? { runId: facts.promoting.runId, target: facts.promoting.target.name } : null,
      epoch,
      lastGrantedAt: lease?.renewedAt ?? null,
    },
  });
}
