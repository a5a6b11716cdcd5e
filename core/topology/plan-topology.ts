import type { PolicyDocument } from "@/contracts/policy";
import { type FleetDocument, type FleetRegion, type FleetService, regionIdOf } from "@/contracts/topology";
import { diffRegions, diffService, REGIONS_SCOPE, serviceScope, type TopologyChange } from "./topology-diff";
import { newIssues, retiredIssues, type TopologyIssue, type TopologyState } from "./topology-rules";

/**
 * How one part of a proposal is applied: not at all (nothing changes), by an
 * admin directly (audited), or by a change request that needs approvals.
 */
export type ApplyMode = "none" | "direct" | "change-request";

/**
 * When a change request is opened: only for what needs approvals (anything
 * that can alter a failover), or for every scope that changes, so a second
 * person sees even what an admin could apply alone.
 */
export type ApprovalChoice = "when-required" | "always";

/** Which count of the policy in force a scope's change request needs: safety-relevant changes, or the others. */
export type ApprovalCount = "safetyRelevant" | "other";

export interface ScopePlan {
  scope: string;
  changes: TopologyChange[];
  mode: ApplyMode;
  /** Why this mode, in a sentence. */
  why: string;
  /** For a change request: the policy's count it needs; null when nothing changes or it is applied directly. */
  approvals: ApprovalCount | null;
}

export interface TopologyPlan {
  scopes: ScopePlan[];
  /** What the proposal would break; any issue refuses it whole. */
  issues: TopologyIssue[];
  /** What the proposal says but a topology change does not do (the primary moves by a runbook). */
  notes: string[];
  /** The topology once everything the plan applies (directly or by approval) is in place. */
  proposed: TopologyState;
}

export interface PlanInput {
  live: TopologyState;
  document: FleetDocument;
  policyOf: (serviceId: string) => PolicyDocument | undefined;
  /** Defaults to "when-required". */
  approval?: ApprovalChoice;
}

type Mode = Pick<ScopePlan, "mode" | "why" | "approvals">;

/** What a scope's changes are, for choosing how they are applied. */
type Judgement = { kind: "unchanged" } | { kind: "new-service" } | { kind: "ungoverned" } | { kind: "governed"; fields: string[] };

function judge(changes: readonly TopologyChange[], isNewService: boolean): Judgement {
  if (changes.length === 0) return { kind: "unchanged" };
  if (isNewService) return { kind: "new-service" };
  const governed = changes.filter((change) => change.governed);
  return governed.length === 0 ? { kind: "ungoverned" } : { kind: "governed", fields: governed.map((change) => change.field) };
}

const ALWAYS = `approval "always" was asked: a change request, approved by as many of the policy's approvers as approvals.other asks (nothing in it is safety-relevant)`;

/**
 * How a scope is applied, for each approval choice. Asked always, what an
 * admin could apply alone still goes to approvers, needing the policy's
 * count for changes that are not safety-relevant (as a policy change
 * touching no such field does).
 */
const MODES: Record<ApprovalChoice, (judged: Judgement, scope: string) => Mode> = {
  "when-required": (judged, scope) => {
    switch (judged.kind) {
      case "unchanged":
        return { mode: "none", why: "nothing changes", approvals: null };
      case "new-service":
        return { mode: "direct", why: `${scope} is new and has no agents yet: an admin creates it directly, audited`, approvals: null };
      case "ungoverned":
        return { mode: "direct", why: "nothing here alters what a failover does: an admin applies it directly, audited", approvals: null };
      case "governed":
        return { mode: "change-request", why: `${judged.fields.join(", ")} can alter what a failover does: a change request, approved by the policy's approvers`, approvals: "safetyRelevant" };
    }
  },
  always: (judged, scope) => {
    switch (judged.kind) {
      case "new-service":
        return { mode: "change-request", why: `${scope} is new and has no agents yet, so an admin could create it directly, but ${ALWAYS}`, approvals: "other" };
      case "ungoverned":
        return { mode: "change-request", why: `nothing here alters what a failover does, so an admin could apply it directly, but ${ALWAYS}`, approvals: "other" };
      default:
        return MODES["when-required"](judged, scope);
    }
  },
};

/**
 * What applying `document` would do, scope by scope. Regions the document
 * names are added or changed; each service it names becomes exactly what it
 * lists. For an existing service the primary stays where the write route
 * points: a proposal naming another one is noted, not applied.
 */
export function planTopology({ live, document, policyOf, approval = "when-required" }: PlanInput): TopologyPlan {
  const notes: string[] = [];
  const liveServices = new Map(live.services.map((service) => [service.id, service]));
  const proposedRegions = new Map(live.regions.map((region) => [regionIdOf(region), region]));
  for (const region of document.regions) proposedRegions.set(regionIdOf(region), region);

  const services = new Map(live.services.map((service) => [service.id, service]));
  const scopes: ScopePlan[] = [];
  const regionChanges = diffRegions(live.regions, document.regions);
  scopes.push({ scope: REGIONS_SCOPE, changes: regionChanges, ...MODES[approval](judge(regionChanges, false), REGIONS_SCOPE) });

  for (const wanted of document.services) {
    const before = liveServices.get(wanted.id) ?? null;
    const service: FleetService = before ? { ...wanted, primary: before.primary } : wanted;
    if (before && wanted.primary !== before.primary) {
      notes.push(`services.${wanted.id}.primary: the document names ${wanted.primary}, but writes go to ${before.primary}; the primary moves by a runbook (planned-switchover), so this is not changed`);
    }
    services.set(service.id, service);
    const changes = diffService(before, service);
    // A service that does not exist yet has no agents: nothing can act on it before it is created.
    scopes.push({ scope: serviceScope(service.id), changes, ...MODES[approval](judge(changes, before === null), serviceScope(service.id)) });
  }

  const proposed: TopologyState = { regions: [...proposedRegions.values()] as FleetRegion[], services: [...services.values()], retired: live.retired };
  // A new service's policy can only be proposed once the service exists: until then it lives under the global one, which may not fit it.
  const isNew = (found: TopologyIssue) => found.rule === "policy-broken" && !liveServices.has(found.field.split(".")[1] ?? "");
  const found = [...retiredIssues(live, document), ...newIssues(live, proposed, policyOf)];
  for (const unfit of found.filter(isNew)) {
    notes.push(`${unfit.message}: the new service runs under the policy it inherits until one of its own is approved (Governance), and automatic failover may not act on it until then`);
  }
  return { scopes, issues: found.filter((candidate) => !isNew(candidate)), notes, proposed };
}
