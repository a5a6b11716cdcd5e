import "server-only";
import type { FleetDocument } from "@/contracts/topology";
import type { ApplyTopologyResult } from "@/contracts/topology-api";
import { decideServiceRetirement, type RetirementDecision } from "@/core/topology/retirement";
import { proposalDiff, serviceScope } from "@/core/topology/topology-diff";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../errors";
import { effectivePolicies } from "../policy/effective-policy";
import { liveTopology } from "./live-topology";
import { openTopologyChangeRequest } from "./open-change-request";
import { lockTopology, scopeRevision, scopeSlice, writeScope } from "./write-scope";

type Client = Tx | ReturnType<typeof db>;

const NOTHING: FleetDocument = { version: 1, regions: [], services: [] };

/**
 * The service's row, locked: a run starting on it reads it FOR SHARE, so
 * either the run is there to refuse the retirement, or the run sees the
 * service retired.
 */
export async function lockService(tx: Tx, serviceId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Service" WHERE id = ${serviceId} FOR UPDATE`;
}

/** What the core decides about retiring the service now; 404 when there is no such service. */
export async function judgeServiceRetirement(client: Client, serviceId: string): Promise<RetirementDecision> {
  const [service, activeRun, agentsEver] = await Promise.all([
    client.service.findUnique({ where: { id: serviceId }, select: { retiredAt: true } }),
    client.run.findUnique({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true, status: true } }),
    client.agent.count({ where: { replica: { serviceId } } }),
  ]);
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  return decideServiceRetirement({ serviceId, retiredAt: service.retiredAt, activeRun, agentsEver });
}

/** The approvals a retirement needs: its policy in force's count for safety-relevant changes. */
export async function retirementApprovals(serviceId: string): Promise<number> {
  return (await effectivePolicies([serviceId])).get(serviceId)?.document.approvals.safetyRelevant ?? 1;
}

/**
 * Retires a service, under the topology lock and the service's row lock:
 * refused (409, naming the rule, nothing written) while a run is active on
 * it; applied directly by the admin when no replica of it ever had an agent
 * (audited); otherwise a change request for its policy's approvers, checked
 * again when the last of them approves.
 */
export async function retireService(actor: UserActor, serviceId: string, reason: string, expiresInHours = 72, now = new Date()): Promise<ApplyTopologyResult> {
  return db().$transaction(
    async (tx) => {
      await lockTopology(tx);
      await lockService(tx, serviceId);
      const decision = await judgeServiceRetirement(tx, serviceId);
      if (!decision.ok) throw new ConflictError(`${decision.message} (rule ${decision.rule}); nothing was applied`, decision.field);
      const scope = serviceScope(serviceId);
      const live = await liveTopology(tx);
      const before = scopeSlice({ version: 1, regions: live.regions, services: live.services }, scope);
      if (decision.mode === "direct") {
        await writeScope(tx, { scope, before, after: NOTHING, actor: auditActorOf(actor), reason });
        return { applied: [scope], changeRequests: [], unchanged: [], notes: [decision.why] };
      }
      const opened = await openTopologyChangeRequest(tx, actor, {
        proposal: { scope, before, after: NOTHING },
        changes: proposalDiff(before, NOTHING),
        baseRevision: await scopeRevision(tx, scope),
        requiredApprovals: await retirementApprovals(serviceId),
        reason,
        expiresAt: new Date(now.getTime() + expiresInHours * 3_600_000),
      });
      return { applied: [], changeRequests: [opened], unchanged: [], notes: [decision.why] };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
