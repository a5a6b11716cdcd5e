import "server-only";
import type { TopologyProposal } from "@/contracts/topology-api";
import type { TopologyChange } from "@/core/topology/topology-diff";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import type { Tx } from "../db/transaction";

/**
 * Opens a topology change request for one scope and audits it
 * (`change_request.create`, with the readable diff), in the caller's
 * transaction, which holds the topology lock.
 */
export async function openTopologyChangeRequest(
  tx: Tx,
  actor: UserActor,
  input: { proposal: TopologyProposal; changes: readonly TopologyChange[]; baseRevision: number; requiredApprovals: number; reason: string; expiresAt: Date },
): Promise<{ id: string; scope: string; requiredApprovals: number }> {
  const { proposal, requiredApprovals } = input;
  const changeRequest = await tx.changeRequest.create({
    data: {
      kind: "topology",
      topologyScope: proposal.scope,
      baseVersion: input.baseRevision,
      document: proposal,
      reason: input.reason,
      requiredApprovals,
      requesterId: actor.userId,
      expiresAt: input.expiresAt,
    },
  });
  await appendAuditEvent(tx, {
    actor: auditActorOf(actor),
    action: "change_request.create",
    target: { type: "change_request", id: changeRequest.id },
    serviceId: (proposal.after.services[0] ?? proposal.before.services[0])?.id ?? null,
    changeRequestId: changeRequest.id,
    reason: input.reason,
    before: proposal.before,
    after: proposal.after,
    details: {
      scope: proposal.scope,
      baseRevision: changeRequest.baseVersion,
      diff: input.changes.map((change) => change.text),
      requiredApprovals,
      expiresAt: changeRequest.expiresAt.toISOString(),
    },
  });
  return { id: changeRequest.id, scope: proposal.scope, requiredApprovals };
}
