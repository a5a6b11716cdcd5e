import type { PolicyDocument } from "@/contracts/policy";
import type { PolicyTopology } from "../policy/policy-topology";
import { validatePolicy } from "../policy/validate-policy";
import type { TopologyRule } from "./topology-rules";

/**
 * How a retirement that no rule refuses is applied, and why. A retirement
 * that cannot alter a failover is an admin's to apply directly (audited);
 * one that can needs the approvers of the policy in force.
 */
export const RETIREMENT_MODES = {
  "service-never-had-agent": {
    mode: "direct",
    sentence: "a service none of whose replicas ever had an agent holds nothing Switchyard watched or could fail over: an admin retires it directly, audited",
  },
  "service-had-agents": {
    mode: "change-request",
    sentence: "retiring a service that has had agents turns off failover for data that may still be live: a change request, approved by its policy's approvers",
  },
  "region-unused": {
    mode: "direct",
    sentence: "a region no active replica lives in and no policy names cannot alter a failover: an admin retires it directly, audited",
  },
} as const satisfies Record<string, { mode: "direct" | "change-request"; sentence: string }>;

export type RetirementMode = keyof typeof RETIREMENT_MODES;

export type RetirementDecision =
  | { ok: true; mode: "direct" | "change-request"; reason: RetirementMode; why: string }
  | { ok: false; rule: TopologyRule; field: string; message: string };

/** One reason to refuse, first match wins; its sentence names what to do instead. */
interface Refusal<F> {
  rule: TopologyRule;
  field: string;
  when: (facts: F) => boolean;
  sentence: (facts: F) => string;
}

function decide<F>(refusals: readonly Refusal<F>[], facts: F, accept: (facts: F) => RetirementMode): RetirementDecision {
  const refusal = refusals.find((candidate) => candidate.when(facts));
  if (refusal) return { ok: false, rule: refusal.rule, field: refusal.field, message: refusal.sentence(facts) };
  const reason = accept(facts);
  return { ok: true, mode: RETIREMENT_MODES[reason].mode, reason, why: RETIREMENT_MODES[reason].sentence };
}

/** What retiring a service depends on, read under the topology lock and the service's row lock. */
export interface ServiceRetirementFacts {
  serviceId: string;
  retiredAt: Date | null;
  activeRun: { id: string; runbookId: string; status: string } | null;
  /** Agents any of its replicas ever had, revoked ones included. */
  agentsEver: number;
}

const SERVICE_REFUSALS: readonly Refusal<ServiceRetirementFacts>[] = [
  {
    rule: "service-retired",
    field: "id",
    when: ({ retiredAt }) => retiredAt !== null,
    sentence: ({ serviceId, retiredAt }) => `${serviceId} was already retired at ${retiredAt!.toISOString()}`,
  },
  {
    rule: "service-run-active",
    field: "id",
    when: ({ activeRun }) => activeRun !== null,
    sentence: ({ serviceId, activeRun }) => `${serviceId} has the active run ${activeRun!.id} (${activeRun!.runbookId}, ${activeRun!.status}): let it finish, or abort it, then retire the service`,
  },
];

export function decideServiceRetirement(facts: ServiceRetirementFacts): RetirementDecision {
  return decide(SERVICE_REFUSALS, facts, ({ agentsEver }) => (agentsEver === 0 ? "service-never-had-agent" : "service-had-agents"));
}

/** What retiring a region depends on, read under the topology lock. */
export interface RegionRetirementFacts {
  regionId: string;
  retiredAt: Date | null;
  /** Its active replicas, as `service/replica`. */
  replicas: readonly string[];
  /** Every policy's version in force, by scope (`global`, `service:<id>`); retired services' are left out. */
  policies: readonly { scope: string; document: PolicyDocument }[];
  /** The global default policy's topology as it is now (every known region), when there is a global policy. */
  globalTopology: PolicyTopology | null;
}

/** Where a policy names the region: `service:orders-db datasets.orders.residency.regions`. */
function namingPolicies({ regionId, policies }: RegionRetirementFacts): string[] {
  return policies.flatMap(({ scope, document }) =>
    Object.entries(document.datasets).flatMap(([dataset, rule]) => (rule.residency.regions.includes(regionId) ? [`${scope} datasets.${dataset}.residency.regions`] : [])),
  );
}

/**
 * What the global default would break once the region is gone: it counts
 * every known region as a possible witness, so its quorum may no longer fit.
 */
function globalPolicyBreaks({ regionId, policies, globalTopology }: RegionRetirementFacts): string[] {
  const global = policies.find((policy) => policy.scope === "global");
  if (!global || !globalTopology) return [];
  // By rule and field: a message carries counts that the region's retirement changes.
  const key = (found: { rule: string; field: string }) => `${found.rule} ${found.field}`;
  const known = new Set(validatePolicy(global.document, globalTopology).map(key));
  const without = { ...globalTopology, regions: globalTopology.regions.filter((region) => region.id !== regionId) };
  return validatePolicy(global.document, without)
    .filter((found) => !known.has(key(found)))
    .map((found) => found.message);
}

const REGION_REFUSALS: readonly Refusal<RegionRetirementFacts>[] = [
  {
    rule: "region-retired",
    field: "id",
    when: ({ retiredAt }) => retiredAt !== null,
    sentence: ({ regionId, retiredAt }) => `${regionId} was already retired at ${retiredAt!.toISOString()}`,
  },
  {
    rule: "region-has-replicas",
    field: "id",
    when: ({ replicas }) => replicas.length > 0,
    sentence: ({ regionId, replicas }) => `${regionId} still holds the active replica${replicas.length === 1 ? "" : "s"} ${replicas.join(", ")}: retire or move ${replicas.length === 1 ? "it" : "them"} first`,
  },
  {
    rule: "region-named-by-policy",
    field: "id",
    when: (facts) => namingPolicies(facts).length > 0,
    sentence: (facts) => `${facts.regionId} is named by ${namingPolicies(facts).join("; ")}: change ${namingPolicies(facts).length === 1 ? "that policy" : "those policies"} first`,
  },
  {
    rule: "policy-broken",
    field: "id",
    when: (facts) => globalPolicyBreaks(facts).length > 0,
    sentence: (facts) => `without ${facts.regionId} the global policy would break a rule: ${globalPolicyBreaks(facts).join("; ")}`,
  },
];

export function decideRegionRetirement(facts: RegionRetirementFacts): RetirementDecision {
  return decide(REGION_REFUSALS, facts, () => "region-unused");
}
