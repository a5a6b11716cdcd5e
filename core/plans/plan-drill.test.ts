import { describe, expect, it } from "vitest";
import { PLAN_DRILL_RULES, planDrillResult, type PlanDrillChild, type PlanDrillFacts } from "./plan-drill";

const passed = (serviceId: string): PlanDrillChild => ({ serviceId, state: "succeeded", drillStatus: "passed" });
const done = (children: PlanDrillChild[], status: PlanDrillFacts["status"] = "succeeded") => planDrillResult({ status, children });

describe("the plan drill table", () => {
  it("declares each rule once with one sentence, ending in the one that passes", () => {
    const ids = PLAN_DRILL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of PLAN_DRILL_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(PLAN_DRILL_RULES.filter((rule) => rule.result === "passed").map((rule) => rule.id)).toEqual(["plan-drill-passed"]);
    expect(PLAN_DRILL_RULES.at(-1)!.id).toBe("plan-drill-passed");
  });
});

describe("planDrillResult", () => {
  it("passes only when every child drill passed", () => {
    expect(done([passed("orders-db"), passed("billing-db")]).result).toBe("passed");
    expect(done([passed("orders-db"), { serviceId: "billing-db", state: "not_needed", drillStatus: null }]).id).toBe("plan-drill-passed");
  });

  it("is pending while the plan is not over, whatever its children say", () => {
    for (const status of ["awaiting_approval", "scheduled", "running", "paused"] as const) {
      expect(done([passed("orders-db")], status).id).toBe("plan-drill-under-way");
      expect(done([{ serviceId: "orders-db", state: "failed", drillStatus: "failed" }], status).result).toBe("pending");
    }
  });

  it("is pending while a child drill runs, switches back or has no report yet, even once the plan ended", () => {
    for (const drillStatus of ["starting", "running", "switching_back", "awaiting_approval"] as const) {
      expect(done([passed("orders-db"), { serviceId: "billing-db", state: "succeeded", drillStatus }]).id).toBe("plan-drill-under-way");
      expect(done([{ serviceId: "orders-db", state: "failed", drillStatus: "failed" }, { serviceId: "billing-db", state: "succeeded", drillStatus }], "failed").result).toBe("pending");
    }
  });

  it("fails when a child drill did not pass", () => {
    for (const drillStatus of ["failed", "aborted", "rejected", "expired"] as const) {
      expect(done([passed("orders-db"), { serviceId: "billing-db", state: "failed", drillStatus }], "failed").id).toBe("plan-drill-child-failed");
    }
    // A run that succeeded can still fail its drill (a budget exceeded, no switch back).
    expect(done([passed("orders-db"), { serviceId: "billing-db", state: "succeeded", drillStatus: "failed" }]).result).toBe("failed");
  });

  it("fails when a service in scope never started its drill", () => {
    for (const state of ["failed", "skipped", "cancelled"] as const) {
      expect(done([passed("orders-db"), { serviceId: "billing-db", state, drillStatus: null }], "failed").id).toBe("plan-drill-service-not-rehearsed");
    }
    expect(done([{ serviceId: "orders-db", state: "cancelled", drillStatus: null }], "cancelled").id).toBe("plan-drill-service-not-rehearsed");
  });

  it("fails when nothing was rehearsed", () => {
    expect(done([{ serviceId: "orders-db", state: "not_needed", drillStatus: null }]).id).toBe("plan-drill-rehearsed-nothing");
    expect(done([]).id).toBe("plan-drill-rehearsed-nothing");
  });
});
