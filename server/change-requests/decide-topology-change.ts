import "server-only";
import { topologyProposalSchema, type TopologyProposal } from "@/contracts/topology-api";
import { decideChangeRequest, type ChangeRequestAction } from "@/core/policy/decide-change-request";
import { proposalDiff, retiredServiceOf } from "@/core/topology/topology-diff";
import { assertSecondPerson } from "../accounts/second-person";
import { appendAuditEvent } from "../audit/append-audit-event";
import { recordRejection, refusal } from "./decision-outcomes";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError } from "../errors";
import { liveTopology } from "../topology/live-topology";
import { judgeServiceRetirement, lockService, retirementApprovals } from "../topology/retire-service";
import { planDocument } from "../topology/topology-plan";
import { lockTopology, scopeRevision, scopeSlice, writeScope } from "../topology/write-scope";

/**
 * The proposal judged against the topology as it is now: refused (409, naming
 * the rule) when it would break one, e.g. because a failover moved the
 * primary onto a replica it retires; otherwise the scope as it is now and the
 * approvals its policy in force asks for. Planned as "always" since it is a
 * change request whatever it holds: what could be applied directly (e.g. a
 * brand-new service submitted for review) needs the policy's count for
 * changes that are not safety-relevant.
 */
async function judgeAgainstLive(tx: Tx, proposal: TopologyProposal) {
  const retiring = retiredServiceOf(proposal);
  if (retiring) return judgeRetirementAgainstLive(tx, proposal, retiring.id);
  const planned = await planDocument(proposal.after, tx, "always");
  const [issue] = planned.plan.issues;
  if (issue) throw new ConflictError(`Refused: the topology moved since the request was written, and applying it now would break a rule: ${issue.message} (rule ${issue.rule}).`, issue.field);
  const scope = planned.plan.scopes.find((candidate) => candidate.scope === proposal.scope);
  return { before: scopeSlice({ version: 1, ...planned.live }, proposal.scope), changes: scope?.changes ?? [], approvals: planned.approvals.get(proposal.scope) ?? 1 };
}

/**
 * A service's retirement judged as it is now, under its row lock (so no run
 * starts on it meanwhile): refused (409, naming the rule) when a run is
 * active on it or it is retired already; otherwise the scope as it is now
 * and the approvals its policy in force asks for.
 */
async function judgeRetirementAgainstLive(tx: Tx, proposal: TopologyProposal, serviceId: string) {
  await lockService(tx, serviceId);
  const decision = await judgeServiceRetirement(tx, serviceId);
  if (!decision.ok) throw new ConflictError(`Refused: ${decision.message} (rule ${decision.rule}).`, decision.field);
  const live = await liveTopology(tx);
  const before = scopeSlice({ version: 1, regions: live.regions, services: live.services }, proposal.scope);
  return { before, changes: proposalDiff(before, proposal.after), approvals: await retirementApprovals(serviceId) };
}

/**
 * A topology change, decided like a policy change (the two-person rule, one
 * decision per approver, the deadline, never over a newer revision) under
 * the topology lock and then the request's row lock. The M-th approval
 * applies the scope in the same transaction, after checking it against the
 * topology as it is then.
 */
export async function actOnTopologyChange(actor: UserActor, id: string, action: ChangeRequestAction, comment?: string): Promise<void> {
  const audit = auditActorOf(actor);
  await db().$transaction(
    async (tx) => {
      await lockTopology(tx);
      await tx.$queryRaw`SELECT id FROM "ChangeRequest" WHERE id = ${id} FOR UPDATE`;
      const request = await tx.changeRequest.findUniqueOrThrow({ where: { id }, include: { approvals: true } });
      const proposal = topologyProposalSchema.parse(request.document);
      const currentVersion = await scopeRevision(tx, proposal.scope);
      const now = new Date();
      const decision = decideChangeRequest(
        { status: request.status, requesterId: request.requesterId, requiredApprovals: request.requiredApprovals, baseVersion: request.baseVersion, currentVersion, expiresAt: request.expiresAt, approvals: request.approvals },
        action,
        { userId: actor.userId, label: actor.email },
        now,
      );
      const serviceId = (proposal.after.services[0] ?? proposal.before.services[0])?.id ?? null;
      const common = { actor: audit, target: { type: "change_request", id }, serviceId, changeRequestId: id };

      switch (decision.outcome) {
        case "refuse":
          throw refusal(decision);
        case "reject":
          await recordRejection(tx, { id, approverId: actor.userId, action, sentence: decision.sentence, now, audit: { actor: audit, serviceId: serviceId } });
          return;
        case "rebase": {
          const judged = await judgeAgainstLive(tx, proposal);
          if (judged.changes.length === 0) throw new ConflictError(`Refused: the topology of ${proposal.scope} already is what this request proposes; nothing is left to rebase.`);
          const rebased: TopologyProposal = { ...proposal, before: judged.before };
          await tx.approval.deleteMany({ where: { changeRequestId: id } });
          await tx.changeRequest.update({ where: { id }, data: { baseVersion: currentVersion, document: rebased, requiredApprovals: judged.approvals } });
          await appendAuditEvent(tx, {
            ...common,
            action: "change_request.rebase",
            before: { baseVersion: request.baseVersion, requiredApprovals: request.requiredApprovals, approvals: request.approvals.map((approval) => approval.approverId) },
            after: { baseVersion: currentVersion, requiredApprovals: judged.approvals },
            details: { sentence: decision.sentence, diff: proposalDiff(rebased.before, rebased.after).map((change) => change.text) },
          });
          return;
        }
        case "approve": {
          await assertSecondPerson(actor, request.requesterId, now, tx);
          await tx.approval.create({ data: { changeRequestId: id, approverId: actor.userId, decision: "approved", comment: comment ?? null } });
          await appendAuditEvent(tx, { ...common, action: "change_request.approve", reason: comment ?? null, details: { sentence: decision.sentence, approvals: decision.approvals } });
          if (!decision.apply) return;
          const judged = await judgeAgainstLive(tx, proposal);
          await writeScope(tx, { scope: proposal.scope, before: judged.before, after: proposal.after, actor: audit, reason: request.reason, changeRequestId: id });
          await tx.changeRequest.update({ where: { id }, data: { status: "applied", decidedAt: now } });
        }
      }
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
