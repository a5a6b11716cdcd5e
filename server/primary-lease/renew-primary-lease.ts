import "server-only";
import { primaryLeaseMs } from "@/core/policy/budgets";
import { leaseGrant, type GrantFacts } from "@/core/automation/primary-lease-grant";
import type { PrimaryLeaseAnswer, PrimaryLeaseRequest } from "@/contracts/primary-lease";
import { appendAuditEvent } from "../audit/append-audit-event";
import { commandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";
import { readLeaseRequester, type LeaseRequester } from "./lease-facts";
import { recordSelfFence } from "./record-self-fence";
import { lockReplicaAudits } from "./replica-lock";
import { signedWitnessRoster } from "./witness-roster";

/** Facts that changed under a grant this many times in a row are left to the agent's next request. */
const MAX_DECISIONS = 3;

/**
 * Grants or refuses the asking replica's lease. Every primary's agent asks
 * once a second, so a grant that changes nothing else costs two statements,
 * the agent's authentication included: the facts are read in one
 * (lease-facts.ts, run by apiRoute as it authenticates), decided on by the
 * one rule (core/automation/primary-lease-grant.ts), and the grant written by the other (writeGrant,
 * which says why no grant can slip past a promotion). Refusals and changes of
 * the agent's own fence are rare and audited at their own cost. A grant is
 * not audited (one a second per primary would drown the trail).
 */
export async function renewPrimaryLease(requester: LeaseRequester, request: PrimaryLeaseRequest): Promise<PrimaryLeaseAnswer> {
  const answer = await answerLease(requester, request);
  await recordSelfFence(requester, request.selfFencedAt, requester.facts);
  return answer;
}

async function answerLease(requester: LeaseRequester, request: PrimaryLeaseRequest): Promise<PrimaryLeaseAnswer> {
  for (let decisions = 1, asking = requester; ; decisions++) {
    const { facts } = asking;
    const grantFacts: GrantFacts = { ...facts, observed: { role: request.role, readOnly: request.readOnly } };
    const decision = leaseGrant(grantFacts);
    if (!decision.granted) {
      if (request.role === "primary" && !request.readOnly) await auditRefusalOnce(asking, grantFacts, decision.reason, facts.epoch);
      return { granted: false, reason: decision.reason, epoch: facts.epoch };
    }
    if (!facts.heartbeat) throw new Error(`no policy is in force for ${asking.serviceId}, so there is no lease period`);
    const periodMs = primaryLeaseMs(facts.heartbeat);
    const roster = { replica: facts.replica.name, serviceId: asking.serviceId, epoch: facts.epoch, witnesses: facts.witnesses };
    const witnessRoster = await signedWitnessRoster(asking.name, roster, await commandSigningKey());
    if (await writeGrant(asking, periodMs)) return { granted: true, periodMs, epoch: facts.epoch, witnessRoster };
    if (decisions === MAX_DECISIONS) throw new Error(`the lease of ${facts.replica.name} was not renewed: the service's epoch or write route changed under ${MAX_DECISIONS} decisions in a row`);
    const reread = await readLeaseRequester(asking.tokenHash);
    if (!reread) throw new Error(`agent ${asking.name} was revoked while its lease was being renewed`);
    asking = reread;
  }
}

/**
 * Writes the grant with the store's clock, in one statement that locks the
 * service's row FOR SHARE and writes only while its epoch, write route and
 * retirement are still what the decision was made on; false when they are not
 * (nothing was written, and the facts must be read and decided again).
 *
 * Why no grant can be written after a promotion has read the lease: a
 * promotion bumps the epoch (an UPDATE of the service's row, which takes a
 * FOR NO KEY UPDATE lock that conflicts with FOR SHARE) in the transaction
 * that issues its promote command, then reads the lease in that transaction
 * (advance-run.ts, primary-leases.ts). This statement is a transaction of its
 * own, and both run at READ COMMITTED, PostgreSQL's default:
 * - if the promotion's UPDATE locked the row first, this statement waits for
 *   its transaction; once it commits, PostgreSQL re-evaluates the WHERE on
 *   the row's updated version (READ COMMITTED's rule for UPDATE, DELETE and
 *   SELECT FOR UPDATE/SHARE), the epoch no longer matches, and nothing is
 *   written; if it rolls back, nothing was promoted;
 * - if the promotion committed before this statement began, the statement's
 *   snapshot sees the new epoch, and nothing is written;
 * - if this statement locked the row first, the promotion's UPDATE waits
 *   until it has committed, so the promotion's later read of the lease (a
 *   statement with a snapshot of its own) sees the grant.
 * Whatever else the rule reads either appears only with a new epoch (a
 * promote command is issued only in the transaction that bumps it) or
 * changes without touching the service's row (a run ending, a promote
 * refused or expired): those a renewal sees by its next request, as it did
 * when the facts were read under the lock in one transaction. Under
 * REPEATABLE READ none of this would hold: the promotion's read would use a
 * snapshot taken before the grant committed.
 */
async function writeGrant(requester: LeaseRequester, periodMs: number): Promise<boolean> {
  const { facts } = requester;
  const { rowCount } = await sqlPool().query({
    name: "grant-primary-lease",
    text: `
      INSERT INTO "PrimaryLease" ("replicaId", "serviceId", epoch, "renewedAt", "periodMs", witnesses)
      SELECT $1::text, s.id, s.epoch, now(), $5::int, $6::text[]
        FROM "Service" s
       WHERE s.id = $2 AND s.epoch = $3 AND s."writeReplicaId" IS NOT DISTINCT FROM $4 AND s."retiredAt" IS NULL
         FOR SHARE
      ON CONFLICT ("replicaId") DO UPDATE SET
        "serviceId" = EXCLUDED."serviceId", epoch = EXCLUDED.epoch, "renewedAt" = EXCLUDED."renewedAt",
        "periodMs" = EXCLUDED."periodMs", witnesses = EXCLUDED.witnesses, "lapseRecordedAt" = NULL`,
    values: [requester.replicaId, requester.serviceId, facts.epoch, facts.writeReplicaId, periodMs, facts.witnesses.map((witness) => witness.replica)],
  });
  return rowCount === 1;
}

/**
 * A writable primary that is refused will fence itself; that it was refused
 * is audited once per episode, not once a second while it keeps asking (its
 * fence may fail, or it may not be our agent's doing at all). An episode
 * ends when the replica is granted its lease again, so a refusal is audited
 * unless one was since its last grant. Under the replica's lock, so two
 * control-plane copies answering one agent's retries audit it once.
 */
async function auditRefusalOnce(agent: LeaseRequester, facts: GrantFacts, reason: string, epoch: number): Promise<void> {
  await db().$transaction(async (tx) => {
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
  });
}
