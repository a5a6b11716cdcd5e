import { describe, expect, it } from "vitest";
import { nextPlanMoves, pendingReason, planControlTransition, PLAN_SERVICE_TRANSITIONS, PLAN_START_OUTCOMES, PLAN_TRANSITIONS, type PlanRow, type PlanServiceRow } from "./plan-machine";

const service = (serviceId: string, state: PlanServiceRow["state"] = "pending", runStatus: string | null = null): PlanServiceRow => ({ serviceId, state, runStatus });

function plan(overrides: Partial<PlanRow> = {}): PlanRow {
  return {
    status: "running",
    concurrency: 2,
    failurePolicy: "stop",
    services: [service("a"), service("b"), service("c")],
    dependsOn: { a: [], b: [], c: [] },
    ...overrides,
  };
}

const started = (moves: ReturnType<typeof nextPlanMoves>) => moves.filter((move) => move.kind === "service" && move.rule === "service-started").map((move) => move.kind === "service" && move.serviceId);

describe("plan tables", () => {
  it("declares every row once, with a sentence", () => {
    const ids = [...PLAN_TRANSITIONS, ...PLAN_SERVICE_TRANSITIONS, ...PLAN_START_OUTCOMES].map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of [...PLAN_TRANSITIONS, ...PLAN_SERVICE_TRANSITIONS, ...PLAN_START_OUTCOMES]) expect(row.sentence).toMatch(/\.$/);
  });

  it("lets people control a plan only from the statuses the table names", () => {
    expect(planControlTransition("pause", "running")?.id).toBe("plan-paused");
    expect(planControlTransition("pause", "paused")).toBeNull();
    expect(planControlTransition("resume", "paused")?.id).toBe("plan-resumed");
    expect(planControlTransition("abort", "paused")?.id).toBe("plan-aborted");
    expect(planControlTransition("abort", "scheduled")).toBeNull();
    expect(planControlTransition("cancel", "scheduled")?.id).toBe("scheduled-plan-cancelled");
    expect(planControlTransition("cancel", "running")).toBeNull();
    expect(planControlTransition("abort", "succeeded")).toBeNull();
  });
});

describe("moving a plan", () => {
  it("starts as many free services as the concurrency allows, in the plan's order", () => {
    expect(started(nextPlanMoves(plan()))).toEqual(["a", "b"]);
    expect(started(nextPlanMoves(plan({ concurrency: 1 })))).toEqual(["a"]);
    expect(started(nextPlanMoves(plan({ concurrency: 5 })))).toEqual(["a", "b", "c"]);
  });

  it("counts services already moving against the concurrency", () => {
    expect(started(nextPlanMoves(plan({ services: [service("a", "running", "running"), service("b"), service("c")] })))).toEqual(["b"]);
  });

  it("starts a service only after everything it waits for moved (or had nothing to move)", () => {
    const ordered = plan({ concurrency: 3, dependsOn: { a: [], b: ["a"], c: ["a", "b"] } });
    expect(started(nextPlanMoves(ordered))).toEqual(["a"]);
    expect(started(nextPlanMoves({ ...ordered, services: [service("a", "running", "running"), service("b"), service("c")] }))).toEqual([]);
    expect(started(nextPlanMoves({ ...ordered, services: [service("a", "not_needed"), service("b"), service("c")] }))).toEqual(["b"]);
    expect(pendingReason({ ...ordered, services: [service("a", "succeeded"), service("b", "running"), service("c")] }, "c")).toBe("service-waits-for-dependency");
    expect(pendingReason(plan({ concurrency: 1, services: [service("a", "running"), service("b"), service("c")] }), "b")).toBe("service-waits-for-slot");
  });

  it("records a run's end on its service, and the freed slot is used at once", () => {
    const moves = nextPlanMoves(plan({ concurrency: 1, failurePolicy: "continue", services: [service("a", "running", "succeeded"), service("b"), service("c")] }));
    expect(moves[0]).toEqual({ kind: "service", serviceId: "a", rule: "service-run-succeeded", to: "succeeded", reason: "its run succeeded" });
    expect(started(moves)).toEqual(["b"]);
  });

  it("treats an aborted run as a service that did not move", () => {
    const [move] = nextPlanMoves(plan({ services: [service("a", "running", "aborted"), service("b", "running", "running"), service("c", "running", "waiting")] }));
    expect(move).toMatchObject({ serviceId: "a", rule: "service-run-failed", to: "failed" });
  });

  it("with the stop policy, cancels every service not started after a failure and finishes once the runs under way end", () => {
    const moves = nextPlanMoves(plan({ services: [service("a", "running", "failed"), service("b", "running", "running"), service("c")] }));
    expect(moves.map((move) => move.kind === "service" && [move.serviceId, move.rule])).toEqual([
      ["a", "service-run-failed"],
      ["c", "service-stopped-by-failure"],
    ]);
    const ended = nextPlanMoves(plan({ services: [service("a", "failed"), service("b", "running", "succeeded"), service("c", "cancelled")] }));
    expect(ended.at(-1)).toEqual({ kind: "finish", rule: "some-service-not-moved", to: "failed", error: "not moved: a (failed), c (cancelled)" });
  });

  it("with the continue policy, skips only the services waiting (directly or not) for one that did not move", () => {
    const moves = nextPlanMoves(
      plan({ failurePolicy: "continue", concurrency: 3, services: [service("a", "failed"), service("b"), service("c"), service("d")], dependsOn: { a: [], b: [], c: ["d"], d: ["a"] } }),
    );
    expect(moves.map((move) => move.kind === "service" && [move.serviceId, move.rule])).toEqual([
      ["d", "service-dependency-not-moved"],
      ["c", "service-dependency-not-moved"],
      ["b", "service-started"],
    ]);
  });

  it("finishes succeeded when every service moved or had nothing to move", () => {
    const moves = nextPlanMoves(plan({ services: [service("a", "succeeded"), service("b", "not_needed"), service("c", "running", "succeeded")] }));
    expect(moves.at(-1)).toEqual({ kind: "finish", rule: "every-service-moved", to: "succeeded", error: null });
  });

  it("starts nothing and does not finish while paused, but records runs that ended", () => {
    const moves = nextPlanMoves(plan({ status: "paused", services: [service("a", "running", "succeeded"), service("b"), service("c")] }));
    expect(moves).toEqual([{ kind: "service", serviceId: "a", rule: "service-run-succeeded", to: "succeeded", reason: "its run succeeded" }]);
  });
});

describe("a plan drill awaiting approval", () => {
  it("is approved into running (or scheduled), rejected or expired into cancelled, cancellable, and moves nothing while it waits", () => {
    expect(planControlTransition("approve", "awaiting_approval")).toMatchObject({ id: "plan-drill-approved", to: "running" });
    expect(planControlTransition("approve-scheduled", "awaiting_approval")).toMatchObject({ id: "plan-drill-approved-scheduled", to: "scheduled" });
    expect(planControlTransition("reject", "awaiting_approval")).toMatchObject({ id: "plan-drill-rejected", to: "cancelled" });
    expect(planControlTransition("expire", "awaiting_approval")).toMatchObject({ id: "plan-drill-approval-expired", to: "cancelled" });
    expect(planControlTransition("cancel", "awaiting_approval")?.id).toBe("scheduled-plan-cancelled");
    for (const control of ["approve", "approve-scheduled", "reject", "expire"] as const) {
      for (const status of ["scheduled", "running", "paused", "succeeded", "failed", "aborted", "cancelled"] as const) expect(planControlTransition(control, status)).toBeNull();
    }
    for (const control of ["pause", "resume", "abort"] as const) expect(planControlTransition(control, "awaiting_approval")).toBeNull();
    const waiting: PlanRow = { status: "awaiting_approval", concurrency: 2, failurePolicy: "stop", services: [{ serviceId: "orders-db", state: "pending", runStatus: null }], dependsOn: {} };
    expect(nextPlanMoves(waiting)).toEqual([]);
  });
});
