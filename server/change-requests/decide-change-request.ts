import "server-only";
import { policyDocumentSchema } from "@/contracts/policy";
import { decideChangeRequest, type ChangeRequestAction } from "@/core/policy/decide-change-request";
import { diffPolicy } from "@/core/policy/diff-policy";
import { requiredApprovals } from "@/core/policy/required-approvals";
import { assertSecondPerson } from "../accounts/second-person";
import { appendAuditEvent } from "../audit/append-audit-event";
import { liveServiceOrThrow } from "../retired-guards";
import { recordRejection, refusal } from "./decision-outcomes";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { assertValidPolicy } from "../policy/assert-valid-policy";
import { documentAt, lockPolicy, RETIRED_POLICY } from "../policy/policy-ref";
import { loadPolicyTopology } from "../policy/policy-topology";
import { actOnTopologyChange } from "./decide-topology-change";

/** Approve, reject or rebase a change request, of a policy or of the topology. */
export async function actOnChangeRequest(actor: UserActor, id: string, action: ChangeRequestAction, comment?: string): Promise<void> {
  const found = await db().changeRequest.findUnique({ where: { id }, select: { kind: true, policy: { select: { serviceId: true } } } });
  if (!found) throw new NotFoundError(`No change request with id ${id}.`);
  if (found.kind === "topology") return actOnTopologyChange(actor, id, action, comment);
  return actOnPolicyChange(actor, id, found.policy!.serviceId, action, comment);
}

/**
 * A policy change. Everything happens under the policy's row lock and then
 * the request's, so two final approvals at once (or an approval racing an
 * emergency change) are decided one after the other: the second sees the
 * first's outcome and is refused.
 */
async function actOnPolicyChange(actor: UserActor, id: string, serviceId: string | null, action: ChangeRequestAction, comment?: string): Promise<void> {
  // A retired service's open requests may still be rejected, to close them.
  if (serviceId !== null && action.type !== "reject") await liveServiceOrThrow(db(), serviceId, RETIRED_POLICY, "serviceId");
  const topology = await loadPolicyTopology(serviceId);
  const audit = auditActorOf(actor);

  await db().$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<{ policyId: string }[]>`SELECT "policyId" FROM "ChangeRequest" WHERE id = ${id}`;
      await lockPolicy(tx, row!.policyId);
      await tx.$queryRaw`SELECT id FROM "ChangeRequest" WHERE id = ${id} FOR UPDATE`;
      const found = await tx.changeRequest.findUniqueOrThrow({ where: { id }, include: { policy: true, approvals: true } });
      const request = { ...found, policy: found.policy!, policyId: found.policyId! };
      const now = new Date();
      const decision = decideChangeRequest(
        {
          status: request.status,
          requesterId: request.requesterId,
          requiredApprovals: request.requiredApprovals,
          baseVersion: request.baseVersion,
          currentVersion: request.policy.currentVersion,
          expiresAt: request.expiresAt,
          approvals: request.approvals,
        },
        action,
        { userId: actor.userId, label: actor.email },
        now,
      );
      const common = { actor: audit, target: { type: "change_request", id }, serviceId: request.policy.serviceId, changeRequestId: id };
      const document = policyDocumentSchema.parse(request.document);

      switch (decision.outcome) {
        case "refuse":
          throw refusal(decision);
        case "reject":
          await recordRejection(tx, { id, approverId: actor.userId, action, sentence: decision.sentence, now, audit: { actor: audit, serviceId: request.policy.serviceId } });
          return;
        case "rebase": {
          const base = await documentAt(tx, request.policyId, request.policy.currentVersion);
          assertValidPolicy(document, topology, base);
          const diff = diffPolicy(base, document);
          if (diff.length === 0) throw new ConflictError(`Refused: version ${request.policy.currentVersion} already says what this request proposes; nothing is left to rebase.`);
          const requirement = requiredApprovals(diff, base);
          await tx.approval.deleteMany({ where: { changeRequestId: id } });
          await tx.changeRequest.update({ where: { id }, data: { baseVersion: request.policy.currentVersion, requiredApprovals: requirement.required } });
          await appendAuditEvent(tx, {
            ...common,
            action: "change_request.rebase",
            before: { baseVersion: request.baseVersion, requiredApprovals: request.requiredApprovals, approvals: request.approvals.map((approval) => approval.approverId) },
            after: { baseVersion: request.policy.currentVersion, requiredApprovals: requirement.required },
            details: { sentence: decision.sentence, diff: diff.map((change) => change.text) },
          });
          return;
        }
        case "approve": {
          await assertSecondPerson(actor, request.requesterId, now, tx);
          const before = await documentAt(tx, request.policyId, request.policy.currentVersion);
          if (decision.apply) assertValidPolicy(document, topology, before);
          await tx.approval.create({ data: { changeRequestId: id, approverId: actor.userId, decision: "approved", comment: comment ?? null } });
          if (!decision.apply) {
            await appendAuditEvent(tx, { ...common, action: "change_request.approve", reason: comment ?? null, details: { sentence: decision.sentence, approvals: decision.approvals } });
            return;
          }
          const version = await tx.policyVersion.create({
            data: { policyId: request.policyId, version: request.policy.currentVersion + 1, document, createdById: request.requesterId, changeRequestId: id },
          });
          await tx.policy.update({ where: { id: request.policyId }, data: { currentVersion: version.version } });
          await tx.changeRequest.update({ where: { id }, data: { status: "applied", decidedAt: now } });
          await appendAuditEvent(tx, {
            ...common,
            action: "change_request.approve",
            policyVersionId: version.id,
            reason: comment ?? null,
            details: { sentence: decision.sentence, approvals: decision.approvals },
          });
          await appendAuditEvent(tx, {
            ...common,
            action: "policy.apply",
            target: { type: "policy", id: request.policyId },
            policyVersionId: version.id,
            reason: request.reason,
            before,
            after: document,
            details: { scope: request.policy.scope, version: version.version, diff: diffPolicy(before, document).map((change) => change.text) },
          });
        }
      }
    },
    { timeout: 15_000, maxWait: 10_000 },
  );
}
