import { describe, expect, it } from "vitest";
import { budgetVerdicts, drillPassed, VERDICT_RULE_IDS, VERDICT_RULES, type DatasetBudget } from "./budget-verdicts";

const orders: DatasetBudget = { name: "orders", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 };
const history: DatasetBudget = { name: "order-history", consistency: "eventual", rpoSeconds: 30, rtoSeconds: 10 };

describe("budgetVerdicts", () => {
  it("declares each rule once, each budget ending in a catch-all", () => {
    expect(VERDICT_RULES.map((rule) => rule.id).sort()).toEqual([...VERDICT_RULE_IDS].sort());
    for (const budget of ["rto", "rpo"] as const) expect(VERDICT_RULES.filter((rule) => rule.budget === budget).at(-1)!.when(history, { rtoMs: 1, lost: 1, lossWindowMs: 1e9 })).toBe(true);
  });

  it("judges RTO per dataset's budget and RPO by consistency, one sentence per row", () => {
    const verdicts = budgetVerdicts([orders, history], { rtoMs: 12_000, lost: 0, lossWindowMs: 0 });
    expect(verdicts.map(({ dataset, budget, rule, passed }) => [dataset, budget, rule, passed])).toEqual([
      ["orders", "rto", "rto-within-budget", true],
      ["orders", "rpo", "strong-nothing-lost", true],
      ["order-history", "rto", "rto-over-budget", false],
      ["order-history", "rpo", "eventual-loss-within-budget", true],
    ]);
    expect(verdicts[2]!.sentence).toBe("order-history: writes resumed after 12 s, over its RTO budget of 10 s.");
    expect(drillPassed(true, verdicts)).toBe(false);
  });

  it("fails a strong dataset on any lost write, an eventual one only past its RPO budget", () => {
    const verdicts = budgetVerdicts([orders, history], { rtoMs: 1_000, lost: 3, lossWindowMs: 2_000 });
    expect(verdicts.filter((verdict) => verdict.budget === "rpo").map((verdict) => [verdict.rule, verdict.observed, verdict.limit])).toEqual([
      ["strong-writes-lost", 3, 0],
      ["eventual-loss-within-budget", 2_000, 30],
    ]);
    expect(budgetVerdicts([history], { rtoMs: 1_000, lost: 3, lossWindowMs: 31_000 })[1]!.rule).toBe("eventual-loss-over-budget");
  });

  it("says what was not measured without failing the drill for it", () => {
    const verdicts = budgetVerdicts([orders], { rtoMs: null, lost: null, lossWindowMs: null });
    expect(verdicts.map((verdict) => verdict.sentence)).toEqual([
      "orders: RTO not measured, so its budget of 60 s is not judged.",
      "orders: RPO not measured (no canary wrote through the route).",
    ]);
    expect(drillPassed(true, verdicts)).toBe(true);
    expect(drillPassed(false, verdicts)).toBe(false);
  });
});
