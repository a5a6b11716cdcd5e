import "server-only";
import type { ChangeRequestSummary, ChangeRequestView, PolicyChangeView } from "@/contracts/change-requests";
import { policyDocumentSchema } from "@/contracts/policy";
import { topologyProposalSchema, type TopologyProposal } from "@/contracts/topology-api";
import { effectiveStatus } from "@/core/policy/decide-change-request";
import { diffPolicy } from "@/core/policy/diff-policy";
import { policyConsequences } from "@/core/policy/policy-consequences";
import { isSafetyRelevant } from "@/core/policy/required-approvals";
import { proposalDiff, retiredServiceOf } from "@/core/topology/topology-diff";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { documentAt } from "../policy/policy-ref";
import { loadPolicyTopology } from "../policy/policy-topology";
import { judgeServiceRetirement } from "../topology/retire-service";
import { planDocument } from "../topology/topology-plan";

export const CHANGE_REQUEST_INCLUDE = {
  policy: { select: { scope: true, serviceId: true, currentVersion: true } },
  requester: { select: { email: true } },
  approvals: { orderBy: { createdAt: "asc" }, include: { approver: { select: { email: true } } } },
  appliedVersion: { select: { id: true, version: true } },
} satisfies Prisma.ChangeRequestInclude;

type ChangeRequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof CHANGE_REQUEST_INCLUDE }>;

/** What a request changes: its scope, service and the version (or revision) in force now. */
function subjectOf(row: ChangeRequestRow, revisions: ReadonlyMap<string, number>) {
  if (row.policy) return { scope: row.policy.scope, serviceId: row.policy.serviceId, currentVersion: row.policy.currentVersion };
  const scope = row.topologyScope!;
  return { scope, serviceId: scope.startsWith("service:") ? scope.slice("service:".length) : null, currentVersion: revisions.get(scope) ?? 0 };
}

/** The current revision of the topology scopes these requests change, in one query. */
export async function topologyRevisions(rows: readonly Pick<ChangeRequestRow, "topologyScope">[]): Promise<Map<string, number>> {
  const scopes = [...new Set(rows.flatMap((row) => row.topologyScope ?? []))];
  if (scopes.length === 0) return new Map();
  const found = await db().topologyScope.findMany({ where: { scope: { in: scopes } } });
  return new Map(found.map((row) => [row.scope, row.revision]));
}

export function changeRequestSummary(row: ChangeRequestRow, now: Date, revisions: ReadonlyMap<string, number>): ChangeRequestSummary {
  const status = effectiveStatus(row, now);
  const subject = subjectOf(row, revisions);
  return {
    id: row.id,
    kind: row.kind,
    ...subject,
    policyId: row.policyId,
    status,
    reason: row.reason,
    requester: row.requester.email,
    requesterId: row.requesterId,
    baseVersion: row.baseVersion,
    stale: status === "open" && row.baseVersion !== subject.currentVersion,
    requiredApprovals: row.requiredApprovals,
    approvalsSoFar: row.approvals.filter((approval) => approval.decision === "approved").length,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    appliedVersion: row.appliedVersion,
  };
}

/** A policy change: its diff from its base version and the consequences against the topology now. */
async function policyDetail(row: ChangeRequestRow) {
  const document = policyDocumentSchema.parse(row.document);
  const [base, topology] = await Promise.all([documentAt(db(), row.policyId!, row.baseVersion), loadPolicyTopology(row.policy!.serviceId)]);
  const diff = diffPolicy(base, document);
  return { document, diff, consequences: policyConsequences(base, document, topology), safetyRelevantFields: [...new Set(diff.map((change) => change.field).filter(isSafetyRelevant))] };
}

/**
 * A topology change: its diff from the scope as it was proposed against,
 * and what applying it now would do: refused (the topology moved under it)
 * or what the document says but a topology change does not do.
 */
async function topologyDetail(row: ChangeRequestRow) {
  const document = topologyProposalSchema.parse(row.document);
  const changes = proposalDiff(document.before, document.after);
  const consequences = await topologyConsequences(document, row.status);
  const diff: PolicyChangeView[] = changes.map(({ field, kind, before, after, text }) => ({ field, kind, before, after, text }));
  return { document, diff, consequences, safetyRelevantFields: [...new Set(changes.filter((change) => change.governed).map((change) => change.field))] };
}

async function topologyConsequences(document: TopologyProposal, status: ChangeRequestRow["status"]): Promise<string[]> {
  const retiring = retiredServiceOf(document);
  if (retiring) {
    // Once decided, the service it retired is retired: that is no consequence of applying it again.
    if (status !== "open") return [];
    const decision = await judgeServiceRetirement(db(), retiring.id);
    return decision.ok ? [] : [`applying it now would be refused: ${decision.message} (rule ${decision.rule})`];
  }
  const { plan } = await planDocument(document.after);
  return [...plan.issues.map((issue) => `applying it now would be refused: ${issue.message}`), ...plan.notes];
}

/** A request with its readable diff and the consequences computed against the topology now. */
export async function changeRequestView(id: string, now = new Date()): Promise<ChangeRequestView> {
  const row = await db().changeRequest.findUnique({ where: { id }, include: CHANGE_REQUEST_INCLUDE });
  if (!row) throw new NotFoundError(`No change request with id ${id}.`);
  const detail = row.kind === "policy" ? await policyDetail(row) : await topologyDetail(row);
  return {
    ...changeRequestSummary(row, now, await topologyRevisions([row])),
    ...detail,
    approvals: row.approvals.map((approval) => ({
      approver: approval.approver.email,
      decision: approval.decision,
      comment: approval.comment,
      createdAt: approval.createdAt.toISOString(),
    })),
  };
}
