import type { RunbookDefinition } from "@/contracts/runbooks";
import type { ServiceGates } from "../hooks/runbook-hooks";
import { planRun, type PlannedStep } from "../runbooks/plan-run";
import { promotionBlockers, residencyViolations, selectCandidate } from "../runbooks/select-candidate";
import { everyCommitWaitsFor } from "../replication/rpo-proof";
import type { ReplicaSnapshot, ServiceSnapshot } from "../runbooks/snapshot";

/**
 * How a plan moves a service's write role: a planned switchover while the
 * region still answers, an unplanned failover once it is lost.
 */
export type EvacuationMode = "switchover" | "failover";

export const EVACUATION_RUNBOOKS: Record<EvacuationMode, string> = { switchover: "planned-switchover", failover: "unplanned-failover" };

export interface DatasetBudget {
  name: string;
  consistency: "strong" | "eventual";
  rpoSeconds: number;
  rtoSeconds: number;
}

export interface Verdict {
  dataset: string;
  holds: boolean;
  sentence: string;
}

export interface ServiceEvacuation {
  serviceId: string;
  /** Whether its write role is in the region now. */
  inRegion: boolean;
  primary: string | null;
  primaryRegionId: string | null;
  runbookId: string;
  /** The parameters its run starts with (the target region chosen here). */
  params: Record<string, string>;
  target: string | null;
  targetRegionId: string | null;
  steps: PlannedStep[];
  residency: Verdict[];
  rpo: Verdict[];
  /** Why it cannot move now (empty: it can, or has nothing to move). */
  blockers: string[];
}

export interface EvacuationInput {
  regionId: string;
  mode: EvacuationMode;
  reason: string;
  snapshot: ServiceSnapshot;
  definition: RunbookDefinition;
  gates: ServiceGates;
  budgets: readonly DatasetBudget[];
  /** The target the plan's dry run showed when it was started: kept while it may still be promoted. */
  plannedTarget?: string | null;
}

/**
 * What losing writes would cost per dataset: nothing for a switchover (it
 * waits until the target replayed everything the fenced primary wrote); for
 * a failover, a strong dataset needs a target every commit waited for (a
 * `quorum` standby shares commits with others: core/replication/rpo-proof) and an eventual one
 * a target within the policy's lag maximum.
 */
export function rpoVerdicts(mode: EvacuationMode, target: ReplicaSnapshot, budgets: readonly DatasetBudget[], maxLagBytes: number): Verdict[] {
  return budgets.map((dataset): Verdict => {
    if (mode === "switchover") return { dataset: dataset.name, holds: true, sentence: `0 writes lost: the switchover waits until ${target.name} has replayed everything the fenced primary wrote` };
    if (dataset.consistency === "strong") {
      const holds = everyCommitWaitsFor(target.syncState);
      return {
        dataset: dataset.name,
        holds,
        sentence: holds
          ? `RPO 0 kept: ${target.name} is a synchronous standby, every acknowledged write is on it`
          : `RPO 0 at risk: the primary's commits do not all wait for ${target.name} (${target.syncState ?? "state unknown"})`,
      };
    }
    const holds = target.lagBytes !== null && target.lagBytes <= maxLagBytes;
    return {
      dataset: dataset.name,
      holds,
      sentence: `${target.name} lags ${target.lagBytes === null ? "an unknown amount" : `${target.lagBytes} bytes`} (maximum ${maxLagBytes} bytes; budget ${dataset.rpoSeconds} s of writes)`,
    };
  });
}

/**
 * One service's part of a region evacuation, from the live topology: the
 * standby candidate selection picks outside the region (or the one the plan
 * showed when it started, while it may still be promoted: what a person saw
 * is what runs), the run's dry run,
 * residency and RPO verdicts, and why it cannot move if it cannot.
 */
export function evacuateService(input: EvacuationInput): ServiceEvacuation {
  const { snapshot, regionId, mode } = input;
  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId) ?? null;
  const base = { serviceId: snapshot.serviceId, primary: primary?.name ?? null, primaryRegionId: primary?.regionId ?? null, runbookId: input.definition.id };
  if (!primary || primary.regionId !== regionId) {
    return { ...base, inRegion: false, params: {}, target: null, targetRegionId: null, steps: [], residency: [], rpo: [], blockers: [] };
  }
  const outside = snapshot.replicas.filter((replica) => replica.regionId !== regionId && replica.id !== primary.id && replica.role !== "witness" && replica.reportedRole !== "primary");
  const planned = outside.find((replica) => replica.name === input.plannedTarget && promotionBlockers(replica, snapshot.datasets).length === 0);
  const target = planned ?? selectCandidate(outside, snapshot.datasets);
  if (!target) {
    const why = outside.length ? outside.map((replica) => `${replica.name}: ${promotionBlockers(replica, snapshot.datasets).join("; ")}`) : [`it has no replica outside ${regionId}`];
    return { ...base, inRegion: true, params: {}, target: null, targetRegionId: null, steps: [], residency: [], rpo: [], blockers: [`no standby outside ${regionId} may be promoted: ${why.join(" | ")}`] };
  }
  const params: Record<string, string> =
    mode === "switchover"
      ? { service: snapshot.serviceId, to_region: target.regionId, reason: input.reason }
      : { service: snapshot.serviceId, from_region: regionId, to_region: target.regionId, reason: input.reason };
  const dryRun = planRun(input.definition, params, snapshot, input.gates);
  const residency = snapshot.datasets.map((dataset): Verdict => {
    const broken = residencyViolations(target, [dataset]);
    return { dataset: dataset.name, holds: broken.length === 0, sentence: broken[0] ?? `${target.regionId} (${target.jurisdiction}) is allowed` };
  });
  const rpo = rpoVerdicts(mode, target, input.budgets, snapshot.policy.maxLagBytes);
  return { ...base, inRegion: true, params, target: target.name, targetRegionId: target.regionId, steps: dryRun.steps, residency, rpo, blockers: dryRun.blockers };
}
