import "server-only";
import type { ChangeRequestSummary, ChangeRequestView } from "@/contracts/change-requests";
import { policyDocumentSchema } from "@/contracts/policy";
import { effectiveStatus } from "@/core/policy/decide-change-request";
import { diffPolicy } from "@/core/policy/diff-policy";
import { policyConsequences } from "@/core/policy/policy-consequences";
import { isSafetyRelevant } from "@/core/policy/required-approvals";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { documentAt } from "../policy/policy-ref";
import { loadPolicyTopology } from "../policy/policy-topology";

export const CHANGE_REQUEST_INCLUDE = {
  policy: { select: { scope: true, serviceId: true, currentVersion: true } },
  requester: { select: { email: true } },
  approvals: { orderBy: { createdAt: "asc" }, include: { approver: { select: { email: true } } } },
  appliedVersion: { select: { id: true, version: true } },
} satisfies Prisma.ChangeRequestInclude;

type ChangeRequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof CHANGE_REQUEST_INCLUDE }>;

export function changeRequestSummary(row: ChangeRequestRow, now: Date): ChangeRequestSummary {
  const status = effectiveStatus(row, now);
  return {
    id: row.id,
    scope: row.policy.scope,
    serviceId: row.policy.serviceId,
    policyId: row.policyId,
    status,
    reason: row.reason,
    requester: row.requester.email,
    requesterId: row.requesterId,
    baseVersion: row.baseVersion,
    currentVersion: row.policy.currentVersion,
    stale: status === "open" && row.baseVersion !== row.policy.currentVersion,
    requiredApprovals: row.requiredApprovals,
    approvalsSoFar: row.approvals.filter((approval) => approval.decision === "approved").length,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    appliedVersion: row.appliedVersion,
  };
}

/** A request with its readable diff from its base version and the consequences computed against the topology now. */
export async function changeRequestView(id: string, now = new Date()): Promise<ChangeRequestView> {
  const row = await db().changeRequest.findUnique({ where: { id }, include: CHANGE_REQUEST_INCLUDE });
  if (!row) throw new NotFoundError(`No change request with id ${id}.`);
  const document = policyDocumentSchema.parse(row.document);
  const [base, topology] = await Promise.all([documentAt(db(), row.policyId, row.baseVersion), loadPolicyTopology(row.policy.serviceId)]);
  const diff = diffPolicy(base, document);
  return {
    ...changeRequestSummary(row, now),
    document,
    diff,
    consequences: policyConsequences(base, document, topology),
    safetyRelevantFields: [...new Set(diff.map((change) => change.field).filter(isSafetyRelevant))],
    approvals: row.approvals.map((approval) => ({
      approver: approval.approver.email,
      decision: approval.decision,
      comment: approval.comment,
      createdAt: approval.createdAt.toISOString(),
    })),
  };
}
