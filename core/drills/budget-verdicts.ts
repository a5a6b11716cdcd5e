import { formatSeconds } from "../format";

export interface DatasetBudget {
  name: string;
  consistency: "strong" | "eventual";
  rpoSeconds: number;
  rtoSeconds: number;
}

/** What a drill (or a real failover) measured; null where it could not. */
export interface Observed {
  rtoMs: number | null;
  /** Acknowledged writes lost; null when no canary measured it. */
  lost: number | null;
  lossWindowMs: number | null;
}

export const VERDICT_RULE_IDS = [
  "rto-within-budget",
  "rto-over-budget",
  "rto-not-measured",
  "strong-nothing-lost",
  "strong-writes-lost",
  "eventual-loss-within-budget",
  "eventual-loss-over-budget",
  "rpo-not-measured",
] as const;
export type VerdictRuleId = (typeof VERDICT_RULE_IDS)[number];

export interface VerdictRule {
  id: VerdictRuleId;
  budget: "rto" | "rpo";
  /** True: within budget; false: over it; null: not measured (never a pass nor a failure). */
  passed: boolean | null;
  when(dataset: DatasetBudget, observed: Observed): boolean;
  sentence(dataset: DatasetBudget, observed: Observed): string;
}

const seconds = (ms: number) => formatSeconds(ms / 1000);

/** Per dataset, the first RTO row and the first RPO row that match decide; each says why in one sentence. */
export const VERDICT_RULES: readonly VerdictRule[] = [
  {
    id: "rto-not-measured",
    budget: "rto",
    passed: null,
    when: (_, observed) => observed.rtoMs === null,
    sentence: (dataset) => `${dataset.name}: RTO not measured, so its budget of ${formatSeconds(dataset.rtoSeconds)} is not judged.`,
  },
  {
    id: "rto-within-budget",
    budget: "rto",
    passed: true,
    when: (dataset, observed) => observed.rtoMs! <= dataset.rtoSeconds * 1000,
    sentence: (dataset, observed) => `${dataset.name}: writes resumed after ${seconds(observed.rtoMs!)}, within its RTO budget of ${formatSeconds(dataset.rtoSeconds)}.`,
  },
  {
    id: "rto-over-budget",
    budget: "rto",
    passed: false,
    when: () => true,
    sentence: (dataset, observed) => `${dataset.name}: writes resumed after ${seconds(observed.rtoMs!)}, over its RTO budget of ${formatSeconds(dataset.rtoSeconds)}.`,
  },
  {
    id: "rpo-not-measured",
    budget: "rpo",
    passed: null,
    when: (_, observed) => observed.lost === null,
    sentence: (dataset) => `${dataset.name}: RPO not measured (no canary wrote through the route).`,
  },
  {
    id: "strong-nothing-lost",
    budget: "rpo",
    passed: true,
    when: (dataset, observed) => dataset.consistency === "strong" && observed.lost === 0,
    sentence: (dataset) => `${dataset.name}: strong, and no acknowledged write was lost.`,
  },
  {
    id: "strong-writes-lost",
    budget: "rpo",
    passed: false,
    when: (dataset) => dataset.consistency === "strong",
    sentence: (dataset, observed) => `${dataset.name}: strong, but ${observed.lost} acknowledged writes were lost (it promises none).`,
  },
  {
    id: "eventual-loss-within-budget",
    budget: "rpo",
    passed: true,
    when: (dataset, observed) => (observed.lossWindowMs ?? 0) <= dataset.rpoSeconds * 1000,
    sentence: (dataset, observed) =>
      observed.lost === 0
        ? `${dataset.name}: no acknowledged write was lost (RPO budget ${formatSeconds(dataset.rpoSeconds)}).`
        : `${dataset.name}: ${observed.lost} acknowledged writes lost over ${seconds(observed.lossWindowMs ?? 0)}, within its RPO budget of ${formatSeconds(dataset.rpoSeconds)}.`,
  },
  {
    id: "eventual-loss-over-budget",
    budget: "rpo",
    passed: false,
    when: () => true,
    sentence: (dataset, observed) => `${dataset.name}: ${observed.lost} acknowledged writes lost over ${seconds(observed.lossWindowMs ?? 0)}, over its RPO budget of ${formatSeconds(dataset.rpoSeconds)}.`,
  },
];

export interface BudgetVerdict {
  dataset: string;
  budget: "rto" | "rpo";
  rule: VerdictRuleId;
  passed: boolean | null;
  /** Milliseconds for RTO, lost writes for a strong RPO, milliseconds of loss for an eventual one. */
  observed: number | null;
  /** Seconds for RTO and an eventual RPO; 0 lost writes for a strong one. */
  limit: number;
  sentence: string;
}

function verdictFor(budget: "rto" | "rpo", dataset: DatasetBudget, observed: Observed): BudgetVerdict {
  const rule = VERDICT_RULES.find((candidate) => candidate.budget === budget && candidate.when(dataset, observed))!;
  const strong = dataset.consistency === "strong";
  return {
    dataset: dataset.name,
    budget,
    rule: rule.id,
    passed: rule.passed,
    observed: budget === "rto" ? observed.rtoMs : strong ? observed.lost : observed.lost === null ? null : (observed.lossWindowMs ?? 0),
    limit: budget === "rto" ? dataset.rtoSeconds : strong ? 0 : dataset.rpoSeconds,
    sentence: rule.sentence(dataset, observed),
  };
}

/** An RTO and an RPO verdict per dataset. */
export function budgetVerdicts(datasets: readonly DatasetBudget[], observed: Observed): BudgetVerdict[] {
  return datasets.flatMap((dataset) => [verdictFor("rto", dataset, observed), verdictFor("rpo", dataset, observed)]);
}

/** A drill passes when its run succeeded and no budget was exceeded (an unmeasured budget is said, not failed). */
export function drillPassed(runSucceeded: boolean, verdicts: readonly BudgetVerdict[]): boolean {
  return runSucceeded && verdicts.every((verdict) => verdict.passed !== false);
}
