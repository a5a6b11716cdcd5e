import type { PolicyDocument } from "@/contracts/policy";
import { type FleetRegion, type FleetService, regionIdOf } from "@/contracts/topology";
import type { PolicyTopology } from "../policy/policy-topology";
import { validatePolicy } from "../policy/validate-policy";

/**
 * A whole topology: every region, every service with its datasets and active
 * replicas. For a live service, `primary` is where its write route points.
 * Retired services and regions are history, not topology: only their ids are
 * kept, so that nothing new takes them.
 */
export interface TopologyState {
  regions: FleetRegion[];
  services: FleetService[];
  retired: RetiredIds;
}

export interface RetiredIds {
  services: readonly string[];
  regions: readonly string[];
}

export const NOTHING_RETIRED: RetiredIds = { services: [], regions: [] };

/** One broken rule: where in the document, the rule's id, and a sentence naming both. */
export interface TopologyIssue {
  field: string;
  rule: TopologyRule;
  message: string;
}

/**
 * Every rule a topology must keep, with the sentence that says why. A
 * proposal that breaks one the live topology does not break already is
 * refused whole, nothing written.
 */
export const TOPOLOGY_RULES = {
  "unknown-region": "every replica lives in a region Switchyard knows (or the document adds)",
  "duplicate-replica": "replica names are unique within a service: they are PostgreSQL application names",
  "duplicate-dataset": "dataset names are unique within a service",
  "endpoint-taken": "a server (host and port) belongs to one replica of one service",
  "primary-not-listed": "the primary is one of the service's replicas",
  "primary-witness-only": "a witness holds no data and cannot be the primary",
  "write-replica-retired": "the replica taking writes is never retired: move the primary away first (planned-switchover)",
  "engine-changed": "a service's engine cannot change",
  "strong-without-sync-standby": "a strong dataset needs a synchronous standby to fail over to without loss",
  "primary-outside-residency": "the primary stays where every dataset's residency rule allows",
  "policy-broken": "every policy in force (a service's, and the global default) stays valid for the topology",
  "service-retired": "a retired service stays retired: nothing changes it or runs on it, and its id is not used again (its history keeps it)",
  "service-run-active": "a service is not retired while a runbook run is active on it: let the run finish, or abort it, first",
  "region-retired": "a retired region is offered nowhere new: no replica is placed in it and no document brings it back",
  "region-has-replicas": "a region is retired only once no active replica lives in it: retire or move them first",
  "region-named-by-policy": "a region is retired only once no policy in force names it in a residency rule: change those policies first",
} as const;

export type TopologyRule = keyof typeof TOPOLOGY_RULES;

const issue = (field: string, rule: TopologyRule, text: string): TopologyIssue => ({ field, rule, message: `${field}: ${text}` });

/** A service's topology as its policy is judged against it. */
export function policyTopologyOf(service: FleetService, regions: readonly FleetRegion[]): PolicyTopology {
  const jurisdiction = new Map(regions.map((region) => [regionIdOf(region), region.jurisdiction]));
  return {
    serviceId: service.id,
    regions: regions.map((region) => ({ id: regionIdOf(region), jurisdiction: region.jurisdiction })),
    datasets: service.datasets.map((dataset) => dataset.name),
    replicas: service.replicas.map((replica) => ({
      serviceId: service.id,
      name: replica.name,
      engine: service.engine,
      regionId: replica.region,
      jurisdiction: jurisdiction.get(replica.region) ?? "",
      role: replica.witnessOnly ? "witness" : replica.name === service.primary ? "primary" : "standby",
      replication: replica.replication,
      noPromote: replica.noPromote,
      writePrimary: replica.name === service.primary,
      lagBytes: null,
    })),
  };
}

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

function serviceIssues(service: FleetService, state: TopologyState, policy: PolicyDocument | undefined): TopologyIssue[] {
  const at = `services.${service.id}`;
  const issues: TopologyIssue[] = [];
  const regions = new Map(state.regions.map((region) => [regionIdOf(region), region]));
  for (const replica of service.replicas.filter((replica) => !regions.has(replica.region))) {
    const field = `${at}.replicas.${replica.name}.region`;
    if (state.retired.regions.includes(replica.region)) issues.push(issue(field, "region-retired", `${replica.region} is retired and takes no replica`));
    else issues.push(issue(field, "unknown-region", `unknown region ${replica.region} (known: ${[...regions.keys()].join(", ") || "none"})`));
  }
  for (const name of duplicates(service.replicas.map((replica) => replica.name))) issues.push(issue(`${at}.replicas.${name}`, "duplicate-replica", `the name ${name} is used twice`));
  for (const name of duplicates(service.datasets.map((dataset) => dataset.name))) issues.push(issue(`${at}.datasets.${name}`, "duplicate-dataset", `the name ${name} is used twice`));

  const primary = service.replicas.find((replica) => replica.name === service.primary);
  if (!primary) {
    issues.push(issue(`${at}.primary`, "primary-not-listed", `${service.primary} is not among the replicas (${service.replicas.map((replica) => replica.name).join(", ")})`));
  } else if (primary.witnessOnly) {
    issues.push(issue(`${at}.primary`, "primary-witness-only", `${primary.name} is witness only: it holds no data`));
  }

  const strong = service.datasets.filter((dataset) => dataset.consistency === "strong");
  const syncStandbys = service.replicas.filter((replica) => replica.name !== service.primary && replica.replication === "sync" && !replica.witnessOnly);
  if (strong.length && syncStandbys.length === 0) {
    issues.push(
      issue(`${at}.replicas`, "strong-without-sync-standby", `${strong.map((dataset) => dataset.name).join(", ")} ${strong.length === 1 ? "is" : "are"} strong, and no standby of ${service.id} is synchronous`),
    );
  }

  const primaryRegion = primary && regions.get(primary.region);
  for (const [dataset, rule] of Object.entries(policy?.datasets ?? {})) {
    if (!primary || !primaryRegion || !service.datasets.some((known) => known.name === dataset)) continue;
    const { jurisdictions, regions: allowedRegions } = rule.residency;
    if (jurisdictions.includes(primaryRegion.jurisdiction) && (allowedRegions.length === 0 || allowedRegions.includes(primary.region))) continue;
    issues.push(
      issue(
        `${at}.replicas.${primary.name}.region`,
        "primary-outside-residency",
        `the primary ${primary.name} would be in ${primary.region} (${primaryRegion.jurisdiction}), outside ${dataset}'s residency (${[...jurisdictions, ...allowedRegions].join(", ")})`,
      ),
    );
  }
  if (policy) {
    for (const broken of validatePolicy(policy, policyTopologyOf(service, state.regions))) {
      issues.push(issue(`${at}.policy.${broken.field}`, "policy-broken", `its policy would break a rule: ${broken.message}`));
    }
  }
  return issues;
}

/**
 * A server belongs to one replica: of several claiming it, the one that holds
 * it in `live` keeps it (the issue is the newcomer's), else the first listed.
 */
function endpointIssues(state: TopologyState, live: TopologyState | null): TopologyIssue[] {
  const key = (serviceId: string, replica: string) => `${serviceId}/${replica}`;
  const holder = new Map<string, string>();
  for (const service of live?.services ?? []) {
    for (const replica of service.replicas) if (!holder.has(`${replica.host}:${replica.port}`)) holder.set(`${replica.host}:${replica.port}`, key(service.id, replica.name));
  }
  const claims = new Map<string, { key: string; field: string }[]>();
  for (const service of state.services) {
    for (const replica of service.replicas) {
      const endpoint = `${replica.host}:${replica.port}`;
      claims.set(endpoint, [...(claims.get(endpoint) ?? []), { key: key(service.id, replica.name), field: `services.${service.id}.replicas.${replica.name}.port` }]);
    }
  }
  return [...claims].flatMap(([endpoint, claimants]) => {
    const owner = claimants.find((claimant) => claimant.key === holder.get(endpoint)) ?? claimants[0]!;
    return claimants.filter((claimant) => claimant !== owner).map((claimant) => issue(claimant.field, "endpoint-taken", `${endpoint} is already ${owner.key}'s`));
  });
}

/**
 * Everything `state` breaks, in document order; `policyOf` gives each
 * service's policy in force, `live` (when judging a proposal) who holds each
 * endpoint now.
 */
export function topologyIssues(state: TopologyState, policyOf: (serviceId: string) => PolicyDocument | undefined, live: TopologyState | null = null): TopologyIssue[] {
  return [...state.services.flatMap((service) => serviceIssues(service, state, policyOf(service.id))), ...endpointIssues(state, live)];
}

/** What a document names that is retired: a service's id or a region. */
export function retiredIssues(live: TopologyState, document: Pick<TopologyState, "regions" | "services">): TopologyIssue[] {
  return [
    ...document.regions
      .filter((region) => live.retired.regions.includes(regionIdOf(region)))
      .map((region) => issue(`regions.${regionIdOf(region)}`, "region-retired", `${regionIdOf(region)} is retired; it is not brought back`)),
    ...document.services
      .filter((service) => live.retired.services.includes(service.id))
      .map((service) => issue(`services.${service.id}`, "service-retired", `${service.id} is retired; its id stays with its history`)),
  ];
}

/**
 * What a change from `live` to `proposed` would break: its issues that the
 * live topology does not have already (a rule the topology broke before, e.g.
 * after a failover moved the primary, does not block an unrelated change),
 * plus the rules that only a change can break.
 */
export function newIssues(live: TopologyState, proposed: TopologyState, policyOf: (serviceId: string) => PolicyDocument | undefined): TopologyIssue[] {
  const known = new Set(topologyIssues(live, policyOf).map((found) => found.message));
  let issues = topologyIssues(proposed, policyOf, live).filter((found) => !known.has(found.message));
  const liveServices = new Map(live.services.map((service) => [service.id, service]));
  for (const service of proposed.services) {
    const before = liveServices.get(service.id);
    if (!before) continue;
    if (!service.replicas.some((replica) => replica.name === before.primary)) {
      // Says more than "the primary is not listed", which follows from it.
      issues = issues.filter((found) => found.field !== `services.${service.id}.primary`);
      issues.unshift(issue(`services.${service.id}.replicas`, "write-replica-retired", `${before.primary} takes writes now and cannot be retired; run planned-switchover first`));
    }
    if (service.engine !== before.engine) issues.push(issue(`services.${service.id}.engine`, "engine-changed", `${before.engine} cannot become ${service.engine}`));
  }
  return issues;
}
