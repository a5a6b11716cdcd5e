import type { GateHook } from "@/contracts/hooks";
import type { RunbookDefinition } from "@/contracts/runbooks";
import type { ServiceGates } from "../hooks/runbook-hooks";
import { evaluateCondition, type ConditionResult, type RunContext } from "./conditions";
import { selectCandidate } from "./select-candidate";
import type { ReplicaSnapshot, ServiceSnapshot } from "./snapshot";

export type RunParams = Record<string, string | undefined>;

export interface PlannedStep {
  id: string;
  kind: string;
  title: string;
  /** Replica names the step acts on. */
  targets: string[];
  /** For checks, waits and conditional approvals: what the condition says now. */
  condition: (ConditionResult & { name: string }) | null;
  /** For approvals with `unless`: whether the approval will be needed. For gates: whether the service has one. */
  needed: boolean;
  /** For http, script and gate steps: what will be called or run, in a sentence. */
  hook: string | null;
}

export interface RunPlan {
  runbookId: string;
  params: RunParams;
  primary: string | null;
  target: string | null;
  targetChosenBy: "parameter" | "candidate selection" | null;
  others: string[];
  steps: PlannedStep[];
  /** Why the run would stop before it acts: failing checks and bad parameters. */
  blockers: string[];
}

export type Resolution = { ok: true; context: RunContext; targetChosenBy: RunPlan["targetChosenBy"] } | { ok: false; problems: { field: string; message: string }[] };

/**
 * Validates parameters against the definition and the live topology and
 * resolves the replicas the run will act on: the primary (where the write
 * route points), the target (named by `to_region` or, for a replica to
 * reinstate, `region`; or chosen by candidate selection), and the other
 * standbys.
 */
export function resolveRun(definition: RunbookDefinition, params: RunParams, snapshot: ServiceSnapshot): Resolution {
  const problems: { field: string; message: string }[] = [];
  for (const [name, parameter] of Object.entries(definition.parameters)) {
    const value = params[name]?.trim();
    if (!value) {
      if (parameter.required) problems.push({ field: name, message: `${name} is required: ${parameter.description}` });
      continue;
    }
    if (parameter.minLength !== undefined && value.length < parameter.minLength) {
      problems.push({ field: name, message: `${name} must be at least ${parameter.minLength} characters` });
    }
  }
  for (const name of Object.keys(params)) {
    if (!definition.parameters[name]) problems.push({ field: name, message: `${definition.id} takes no parameter ${name}` });
  }
  if (params.service && params.service !== snapshot.serviceId) problems.push({ field: "service", message: `the snapshot is of ${snapshot.serviceId}, not ${params.service}` });

  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId) ?? snapshot.replicas.find((replica) => replica.role === "primary") ?? null;
  const inRegion = (regionId: string): ReplicaSnapshot | undefined =>
    snapshot.replicas.filter((replica) => replica.regionId === regionId).sort((a, b) => b.promotionPriority - a.promotionPriority)[0];

  for (const name of ["from_region", "to_region", "region"] as const) {
    const region = params[name];
    if (definition.parameters[name] && region && !inRegion(region)) problems.push({ field: name, message: `${snapshot.serviceId} has no replica in ${region}` });
  }
  if (params.from_region && primary && params.from_region !== primary.regionId) {
    problems.push({ field: "from_region", message: `the primary of ${snapshot.serviceId} is in ${primary.regionId}, not ${params.from_region}` });
  }
  if (params.to_region && primary && params.to_region === primary.regionId) {
    problems.push({ field: "to_region", message: `${params.to_region} already holds the primary` });
  }
  if (params.region && primary && params.region === primary.regionId) {
    problems.push({ field: "region", message: `${params.region} holds the write route; only a former primary can be reinstated` });
  }
  if (problems.length) return { ok: false, problems };

  // A former primary still serving as one (fenced, not yet reinstated) is no
  // standby to promote or re-point: the reinstate runbook deals with it.
  const standbys = snapshot.replicas.filter((replica) => replica.id !== primary?.id && replica.role !== "witness" && replica.reportedRole !== "primary");
  const targetRegion = params.to_region ?? params.region;
  const named = targetRegion ? inRegion(targetRegion) ?? null : null;
  const target = named ?? (definition.parameters.to_region ? selectCandidate(standbys, snapshot.datasets) : null);
  return {
    ok: true,
    targetChosenBy: named ? "parameter" : target ? "candidate selection" : null,
    context: { snapshot, primary, target, others: standbys.filter((replica) => replica.id !== target?.id), fencedLsn: null },
  };
}

const NO_GATES: ServiceGates = { "pre-failover": null, "post-failover": null };

function replicasOf(target: "primary" | "target" | "other-standbys", context: RunContext): string[] {
  if (target === "primary") return context.primary ? [context.primary.name] : [];
  if (target === "target") return context.target ? [context.target.name] : [];
  return context.others.map((replica) => replica.name);
}

function targetsOf(step: RunbookDefinition["steps"][number], context: RunContext, gates: ServiceGates): string[] {
  if (step.kind === "agent" || step.kind === "script") return replicasOf(step.target, context);
  if (step.kind === "route") return context.target ? [context.target.name] : [];
  const hook = step.kind === "gate" ? gates[step.point] : null;
  return hook && "script" in hook ? replicasOf(hook.target, context) : [];
}

const hookSentence = (hook: GateHook): string => ("endpoint" in hook ? `calls endpoint ${hook.endpoint}` : `runs script ${hook.script}`);

function hookOf(step: RunbookDefinition["steps"][number], snapshot: ServiceSnapshot, gates: ServiceGates): string | null {
  if (step.kind === "http") return `calls endpoint ${step.endpoint}`;
  if (step.kind === "script") return `runs script ${step.script}`;
  if (step.kind !== "gate") return null;
  const hook = gates[step.point];
  return hook ? hookSentence(hook) : `${snapshot.serviceId} has no ${step.point} gate configured: skipped`;
}

/**
 * The dry run: every step with what it will act on, what each check says
 * right now and what each hook will call or run (`gates`: the service's, as
 * the hooks configuration has them now), without changing anything. A run whose checks fail now would stop
 * at the first of them.
 */
export function planRun(definition: RunbookDefinition, params: RunParams, snapshot: ServiceSnapshot, gates: ServiceGates = NO_GATES): RunPlan {
  const base = { runbookId: definition.id, params };
  const resolution = resolveRun(definition, params, snapshot);
  if (!resolution.ok) {
    return { ...base, primary: null, target: null, targetChosenBy: null, others: [], steps: [], blockers: resolution.problems.map((problem) => problem.message) };
  }
  const { context } = resolution;
  const blockers: string[] = [];
  if (definition.parameters.to_region && !context.target) blockers.push("no standby can be promoted: candidate selection found none");
  const steps = definition.steps.map((step): PlannedStep => {
    const conditionName = step.kind === "check" || step.kind === "wait" ? step.condition : step.kind === "approval" ? step.unless : undefined;
    const condition = conditionName ? { name: conditionName, ...evaluateCondition(conditionName, context) } : null;
    if (step.kind === "check" && condition && "holds" in condition && !condition.holds) blockers.push(`${step.title}: ${condition.sentence}`);
    const needed = step.kind === "approval" ? !(condition && "holds" in condition && condition.holds) : step.kind === "gate" ? gates[step.point] !== null : true;
    return { id: step.id, kind: step.kind, title: step.title, targets: targetsOf(step, context, gates), condition, needed, hook: hookOf(step, snapshot, gates) };
  });
  return {
    ...base,
    primary: context.primary?.name ?? null,
    target: context.target?.name ?? null,
    targetChosenBy: resolution.targetChosenBy,
    others: context.others.map((replica) => replica.name),
    steps,
    blockers,
  };
}
