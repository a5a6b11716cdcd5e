import { describe, expect, it } from "vitest";
import type { PlanView } from "@/contracts/plans";
import { planChanges, renderPlans, renderPlanView } from "./plans";

const service: PlanView["services"][number] = {
  serviceId: "orders-db",
  state: "succeeded",
  sentence: "The service's run succeeded: its write role is out of the region.",
  rule: "service-run-succeeded",
  note: null,
  dependsOn: [],
  plannedTarget: "pg-eu-west-1",
  run: { id: "r1", runbookId: "planned-switchover", status: "succeeded", target: "pg-eu-west-1", currentStep: null, error: null },
  startedAt: "2026-12-07T09:00:00.000Z",
  finishedAt: "2026-12-07T09:01:00.000Z",
  drill: { id: "d1", status: "passed", passed: true, observedRtoMs: 2500, lostWrites: 0 },
};

const plan: PlanView = {
  id: "p1",
  regionId: "aws:us-east-1",
  mode: "switchover",
  status: "succeeded",
  concurrency: 1,
  failurePolicy: "stop",
  reason: "quarterly region drill",
  order: {},
  scheduledAt: null,
  inMaintenanceWindow: false,
  startedBy: "op@example.com",
  error: null,
  createdAt: "2026-12-07T09:00:00.000Z",
  startedAt: "2026-12-07T09:00:00.000Z",
  finishedAt: "2026-12-07T09:01:00.000Z",
  drill: {
    switchBack: true,
    result: "pending",
    rule: "plan-drill-under-way",
    sentence: "The plan drill is under way.",
    approval: { status: "approved", services: ["orders-db"], requestedBy: "op@example.com", expiresAt: "2026-12-07T13:00:00.000Z", decidedBy: "boss@example.com", decidedAt: "2026-12-07T08:59:00.000Z", note: "go ahead" },
  },
  services: [service, { ...service, serviceId: "billing-db", state: "failed", run: null, drill: null }],
};

describe("a plan drill in the CLI", () => {
  it("says the plan is a drill, its overall result, its approval and each child's drill verdict", () => {
    const text = renderPlanView(plan);
    expect(text).toContain("Plan p1: switchover every write role out of aws:us-east-1 (a drill): succeeded");
    expect(text).toContain("drill (switching back): PENDING — The plan drill is under way.");
    expect(text).toContain("approval: approved by boss@example.com at 2026-12-07 08:59:00Z — go ahead, asked by op@example.com (required by orders-db)");
    expect(text).toMatch(/DRILL/);
    expect(text).toMatch(/orders-db .* d1 PASSED, RTO 2\.5 s/);
    expect(text).toMatch(/billing-db .* — /);
  });

  it("shows no drill column or line for a plan that is no drill", () => {
    const text = renderPlanView({ ...plan, reason: "provider maintenance", drill: null, services: [{ ...service, drill: null }] });
    expect(text).not.toMatch(/DRILL|drill/);
  });

  it("prints the overall result and each child drill's status as they change", () => {
    const before = { ...plan, services: [{ ...service, drill: { ...service.drill!, status: "running" as const, passed: null } }] };
    const after = { ...plan, drill: { ...plan.drill!, result: "passed" as const, rule: "plan-drill-passed", sentence: "Every child drill passed." }, services: [service] };
    expect(planChanges(before, after, new Date("2026-12-07T09:02:00Z"))).toEqual(["2026-12-07 09:02:00Z  plan drill: passed — Every child drill passed.", "2026-12-07 09:02:00Z  orders-db: drill d1 passed"]);
  });

  it("marks drills in the list of plans", () => {
    const { services: _services, drill: _drill, ...header } = plan;
    expect(renderPlans({ plans: [{ ...header, drill: true, counts: { succeeded: 1 } }] })).toMatch(/p1\s+aws:us-east-1\s+switchover\s+drill\s+succeeded/);
  });
});
