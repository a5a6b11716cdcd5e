import "server-only";
import type { ChangeRequestPreview } from "@/contracts/change-requests";
import type { PolicyDocument } from "@/contracts/policy";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError } from "../errors";
import { policyForChange } from "../policy/policy-ref";
import { changeBase, judgeProposal } from "./preview-change";

export interface NewChangeRequest {
  serviceId: string | null;
  document: PolicyDocument;
  reason: string;
  expiresInHours: number;
}

/** Validates the proposal, then writes the request and its audit event in one transaction. */
export async function createChangeRequest(actor: UserActor, input: NewChangeRequest, now = new Date()): Promise<{ id: string; preview: ChangeRequestPreview }> {
  const base = await changeBase(input.serviceId);
  const preview = judgeProposal(base, input.document);
  const id = await db().$transaction(async (tx) => {
    const policy = await policyForChange(tx, input.serviceId);
    // The preview was computed outside the transaction; a version applied
    // meanwhile would make its diff a lie.
    if (policy.currentVersion !== base.baseVersion) {
      throw new ConflictError(`Version ${policy.currentVersion} of ${policy.scope} was applied while this request was being checked; review the new version and propose again.`);
    }
    const request = await tx.changeRequest.create({
      data: {
        policyId: policy.id,
        baseVersion: base.baseVersion,
        document: input.document,
        reason: input.reason,
        requiredApprovals: preview.requiredApprovals,
        requesterId: actor.userId,
        expiresAt: new Date(now.getTime() + input.expiresInHours * 3_600_000),
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "change_request.create",
      target: { type: "change_request", id: request.id },
      serviceId: policy.serviceId,
      changeRequestId: request.id,
      reason: input.reason,
      before: base.baseDocument,
      after: input.document,
      details: {
        scope: policy.scope,
        baseVersion: base.baseVersion,
        diff: preview.diff.map((change) => change.text),
        consequences: preview.consequences,
        requiredApprovals: preview.requiredApprovals,
        expiresAt: request.expiresAt.toISOString(),
      },
    });
    return request.id;
  });
  return { id, preview };
}
