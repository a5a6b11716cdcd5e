import "server-only";
import type { PolicyDocument } from "@/contracts/policy";
import type { FleetDocument } from "@/contracts/topology";
import type { TopologyPlanView } from "@/contracts/topology-api";
import { planTopology, type ApprovalChoice, type TopologyPlan } from "@/core/topology/plan-topology";
import { REGIONS_SCOPE } from "@/core/topology/topology-diff";
import type { TopologyState } from "@/core/topology/topology-rules";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { effectivePolicies, globalPolicy } from "../policy/effective-policy";
import { liveTopology } from "./live-topology";

type Client = Tx | ReturnType<typeof db>;

export interface PlannedTopology {
  live: TopologyState;
  plan: TopologyPlan;
  /** Each scope's revision now (0 for a scope never changed). */
  revisions: Map<string, number>;
  /** The approvals a change request of each scope needs: the count its policy in force asks for such a change (none for a scope applied directly or unchanged). */
  approvals: Map<string, number>;
}

const serviceOfScope = (scope: string) => (scope === REGIONS_SCOPE ? null : scope.replace(/^service:/, ""));

/**
 * The plan for `document` against the topology as it is: read, with each
 * service's policy in force and each scope's revision, then judged by the
 * core. A new service is judged by the global policy it will inherit.
 */
export async function planDocument(document: FleetDocument, client: Client = db(), approval: ApprovalChoice = "when-required"): Promise<PlannedTopology> {
  const live = await liveTopology(client);
  const serviceIds = [...new Set([...live.services.map((service) => service.id), ...document.services.map((service) => service.id)])];
  const [policies, global] = await Promise.all([effectivePolicies(serviceIds), globalPolicy()]);
  const policyOf = (serviceId: string): PolicyDocument | undefined => policies.get(serviceId)?.document;
  const plan = planTopology({ live, document, policyOf, approval });
  const scopes = plan.scopes.map((scope) => scope.scope);
  const rows = await client.topologyScope.findMany({ where: { scope: { in: scopes } } });
  const revisions = new Map(scopes.map((scope) => [scope, rows.find((row) => row.scope === scope)?.revision ?? 0]));
  const approvals = new Map(
    plan.scopes.flatMap(({ scope, approvals: count }) => {
      if (count === null) return [];
      const serviceId = serviceOfScope(scope);
      // Regions belong to no service: the global policy's approvers decide on them.
      const policy = serviceId === null ? global?.document : policyOf(serviceId);
      return [[scope, policy?.approvals[count] ?? 1] as const];
    }),
  );
  return { live, plan, revisions, approvals };
}

export function planView({ plan, revisions, approvals }: PlannedTopology): TopologyPlanView {
  return {
    acceptable: plan.issues.length === 0,
    scopes: plan.scopes.map(({ approvals: _count, ...scope }) => ({
      ...scope,
      revision: revisions.get(scope.scope) ?? 0,
      requiredApprovals: scope.mode === "change-request" ? (approvals.get(scope.scope) ?? 1) : null,
    })),
    issues: plan.issues,
    notes: plan.notes,
  };
}
