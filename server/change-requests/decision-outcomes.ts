import "server-only";
import type { ChangeRequestAction, ChangeRequestDecision } from "@/core/policy/decide-change-request";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import type { Tx } from "../db/transaction";
import { ConflictError, DomainError } from "../errors";

/** The error a refused decision answers with: 403 for who may not, 409 for what may not be now. */
export function refusal(decision: Extract<ChangeRequestDecision, { outcome: "refuse" }>): DomainError {
  return decision.status === 403 ? new DomainError(403, "forbidden", `Refused: ${decision.sentence}.`) : new ConflictError(`Refused: ${decision.sentence}.`);
}

/** A rejection, of a policy change or a topology change alike: the approver's decision, the request closed, audited. */
export async function recordRejection(
  tx: Tx,
  input: { id: string; approverId: string; action: ChangeRequestAction; sentence: string; now: Date; audit: { actor: AuditActor; serviceId: string | null } },
): Promise<void> {
  const reason = input.action.type === "reject" ? input.action.reason : null;
  await tx.approval.create({ data: { changeRequestId: input.id, approverId: input.approverId, decision: "rejected", comment: reason } });
  await tx.changeRequest.update({ where: { id: input.id }, data: { status: "rejected", decidedAt: input.now } });
  await appendAuditEvent(tx, {
    actor: input.audit.actor,
    target: { type: "change_request", id: input.id },
    serviceId: input.audit.serviceId,
    changeRequestId: input.id,
    action: "change_request.reject",
    reason,
    details: { sentence: input.sentence },
  });
}
