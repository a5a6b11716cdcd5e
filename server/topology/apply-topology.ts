import "server-only";
import type { FleetDocument } from "@/contracts/topology";
import type { ApplyTopologyRequest, ApplyTopologyResult, TopologyProposal } from "@/contracts/topology-api";
import { REGIONS_SCOPE } from "@/core/topology/topology-diff";
import type { RetiredIds } from "@/core/topology/topology-rules";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ValidationError } from "../errors";
import { liveTopology } from "./live-topology";
import { planDocument } from "./topology-plan";
import { openTopologyChangeRequest } from "./open-change-request";
import { lockTopology, scopeSlice, writeScope } from "./write-scope";

/**
 * Applies a fleet document as a whole or not at all: under the topology
 * lock, it is planned again against the topology as it is then; any issue
 * refuses it (400 naming the field and the rule, nothing written); otherwise
 * what may be applied directly is applied and audited, and each scope whose
 * changes can alter a failover becomes a change request for the approvers
 * (every changed scope does, with `approval: "always"`).
 */
export async function applyTopology(actor: UserActor, request: ApplyTopologyRequest, now = new Date()): Promise<ApplyTopologyResult> {
  return applyTopologyChange(actor, { ...request, change: () => request.document }, now);
}

/**
 * The same, for a change written against the topology as it is: `change`
 * gets it (as a fleet document, read under the lock, so no concurrent change
 * is lost, with the ids of what is retired) and returns the document to
 * apply, or throws a DomainError (e.g. 404 for what it would change but
 * cannot find).
 */
export async function applyTopologyChange(
  actor: UserActor,
  request: Omit<ApplyTopologyRequest, "document"> & { change: (live: FleetDocument, retired: RetiredIds) => FleetDocument },
  now = new Date(),
): Promise<ApplyTopologyResult> {
  const audit = auditActorOf(actor);
  return db().$transaction(
    async (tx) => {
      await lockTopology(tx);
      const { regions, services, retired } = await liveTopology(tx);
      const document = request.change({ version: 1, regions, services }, retired);
      const planned = await planDocument(document, tx, request.approval);
      const [issue] = planned.plan.issues;
      if (issue) throw new ValidationError(`${issue.message} (rule ${issue.rule}); nothing was applied`, issue.field);
      const live = { version: 1 as const, ...planned.live };
      const result: ApplyTopologyResult = { applied: [], changeRequests: [], unchanged: [], notes: planned.plan.notes };
      for (const scope of planned.plan.scopes) {
        const before = scopeSlice(live, scope.scope);
        // A service as planned (its primary where the write route points); the regions as the document names them.
        const after = scopeSlice(scope.scope === REGIONS_SCOPE ? document : { version: 1, ...planned.plan.proposed }, scope.scope);
        if (scope.mode === "none") {
          result.unchanged.push(scope.scope);
        } else if (scope.mode === "direct") {
          await writeScope(tx, { scope: scope.scope, before, after, actor: audit, reason: request.reason });
          result.applied.push(scope.scope);
        } else {
          const proposal: TopologyProposal = { scope: scope.scope, before, after };
          const opened = await openTopologyChangeRequest(tx, actor, {
            proposal,
            changes: scope.changes,
            baseRevision: planned.revisions.get(scope.scope) ?? 0,
            requiredApprovals: planned.approvals.get(scope.scope) ?? 1,
            reason: request.reason,
            expiresAt: new Date(now.getTime() + request.expiresInHours * 3_600_000),
          });
          result.changeRequests.push(opened);
        }
      }
      return result;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
