import { describe, expect, it } from "vitest";
import { RUN_STATUSES } from "@/contracts/runs";
import { runbookDefinitionSchema } from "@/contracts/runbooks";
import { EMPTY_RUN_CONTEXT } from "./run-context";
import {
  controllableFrom,
  controlTransition,
  nextRunMove,
  RUN_TRANSITIONS,
  TERMINAL_RUN_STATUSES,
  UNWRITTEN_RUN_STATUSES,
  type RunRow,
  type RunStatus,
  type RunStepRow,
} from "./run-machine";

describe("the run transition table", () => {
  it("knows every status the store does", () => {
    expect([...RUN_STATUSES].sort()).toEqual(
      [...new Set<RunStatus>([...RUN_TRANSITIONS.flatMap((row) => [...row.from, row.to]), ...UNWRITTEN_RUN_STATUSES])].sort(),
    );
  });

  it("has unique, descriptive ids and one sentence per row", () => {
    const ids = RUN_TRANSITIONS.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of RUN_TRANSITIONS) {
      expect(row.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
      expect(row.sentence, row.id).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("reaches every written status from the start, and none that is never written", () => {
    const reached = new Set<RunStatus>();
    for (let grown = true; grown; ) {
      grown = false;
      for (const row of RUN_TRANSITIONS) {
        if ((row.from.length === 0 || row.from.some((status) => reached.has(status))) && !reached.has(row.to)) {
          reached.add(row.to);
          grown = true;
        }
      }
    }
    expect([...reached].sort()).toEqual(RUN_STATUSES.filter((status) => !UNWRITTEN_RUN_STATUSES.includes(status)).sort());
  });

  it("leaves no terminal status, and no status that is never written", () => {
    for (const row of RUN_TRANSITIONS) {
      for (const status of row.from) expect([...TERMINAL_RUN_STATUSES, ...UNWRITTEN_RUN_STATUSES], row.id).not.toContain(status);
    }
  });

  it("lets a person pause a running run, resume a paused one, and abort either, nothing else", () => {
    expect(controllableFrom("pause")).toEqual(["running"]);
    expect(controllableFrom("resume")).toEqual(["paused"]);
    expect(controllableFrom("abort")).toEqual(["running", "paused"]);
    expect(controlTransition("abort", "running", true)?.id).toBe("aborted-with-undo");
    expect(controlTransition("abort", "paused", false)?.id).toBe("aborted-by-person");
    expect(controlTransition("abort", "compensating", true)).toBeNull();
    expect(controlTransition("abort", "waiting", false)).toBeNull();
    expect(controlTransition("resume", "running", false)).toBeNull();
  });

  it("lets a person cancel a scheduled run only, and the scheduler start or refuse it", () => {
    expect(controllableFrom("cancel")).toEqual(["scheduled"]);
    expect(controlTransition("cancel", "scheduled", false)?.id).toBe("cancelled-by-person");
    expect(controlTransition("cancel", "running", false)).toBeNull();
    expect(controlTransition("abort", "scheduled", false)).toBeNull();
    expect(RUN_TRANSITIONS.filter((row) => row.by === "scheduler").map((row) => [row.from, row.to])).toEqual([
      [["scheduled"], "running"],
      [["scheduled"], "refused"],
    ]);
  });
});

const definition = runbookDefinitionSchema.parse({
  id: "two-steps",
  title: "Two steps",
  description: "d",
  parameters: { service: { type: "service", description: "s" } },
  steps: [
    { id: "fence", kind: "agent", title: "Fence", target: "primary", command: "fence", compensation: { command: "unfence" }, onFailure: "compensate" },
    { id: "check", kind: "check", title: "Check", condition: "target-streaming", onFailure: "compensate" },
  ],
});

const step = (stepId: string, state: RunStepRow["state"], overrides: Partial<RunStepRow> = {}): RunStepRow => ({
  id: `row-${stepId}`,
  stepId,
  phase: "forward",
  state,
  title: stepId === "fence" ? "Fence" : stepId === "check" ? "Check" : `Undo: ${stepId}`,
  error: null,
  ...overrides,
});

const UNFENCE = { stepId: "fence", command: "unfence" as const, args: {}, replicaIds: ["us"] };
const run = (overrides: Partial<RunRow>): RunRow => ({ status: "running", error: null, definition, context: EMPTY_RUN_CONTEXT, steps: [], ...overrides });

describe("a run's next move", () => {
  it("moves the first step not yet concluded", () => {
    const move = nextRunMove(run({ steps: [step("fence", "succeeded"), step("check", "pending")] }));
    expect(move).toMatchObject({ kind: "step", stepRun: { stepId: "check" }, step: { kind: "check" } });
  });

  it("succeeds once every step succeeded or was skipped", () => {
    expect(nextRunMove(run({ steps: [step("fence", "skipped"), step("check", "succeeded")] }))).toEqual({ kind: "finish", rule: "every-step-done", from: "running", to: "succeeded", error: null });
  });

  it("fails at a failed step with nothing to undo, naming it", () => {
    expect(nextRunMove(run({ steps: [step("fence", "failed", { error: "refused" }), step("check", "pending")] }))).toMatchObject({ kind: "finish", rule: "step-failed", to: "failed", error: "Fence: refused" });
  });

  it("compensates when the failed step asks for it and an undo is registered", () => {
    const move = nextRunMove(run({ context: { ...EMPTY_RUN_CONTEXT, compensations: [UNFENCE] }, steps: [step("fence", "succeeded"), step("check", "failed", { error: "not streaming" })] }));
    expect(move).toEqual({ kind: "compensate", rule: "step-failed-undo", from: "running", error: "Check: not streaming" });
  });

  it("runs the undos, past a failed one, then ends as the run was going to, naming a failed undo", () => {
    const context = { ...EMPTY_RUN_CONTEXT, compensations: [UNFENCE], outcome: "aborted" as const };
    const undo = (state: RunStepRow["state"]) => step("undo-fence", state, { phase: "compensation" });
    expect(nextRunMove(run({ status: "compensating", context, steps: [step("fence", "succeeded"), undo("waiting")] }))).toMatchObject({ kind: "step", step: { command: "unfence" } });
    expect(nextRunMove(run({ status: "compensating", context, error: "aborted by a", steps: [undo("succeeded")] }))).toMatchObject({ rule: "undone-after-abort", to: "aborted", error: "aborted by a" });
    expect(nextRunMove(run({ status: "compensating", context: { ...context, outcome: "failed" }, error: "Check: x", steps: [undo("failed")] }))).toMatchObject({
      rule: "undone-after-failure",
      to: "failed",
      error: "Check: x; compensation failed: Undo: undo-fence",
    });
  });

  it("ends as aborted, with the gate's message, when a pre-failover gate refuses; a post-failover gate's refusal fails the run", () => {
    const gated = runbookDefinitionSchema.parse({
      ...definition,
      steps: [{ id: "gate", kind: "gate", title: "Pre-failover gate", point: "pre-failover" }, definition.steps[0], { id: "after", kind: "gate", title: "Post-failover gate", point: "post-failover" }],
    });
    expect(nextRunMove(run({ definition: gated, steps: [step("gate", "failed", { error: "change-freeze answered 409: change freeze until 23:00" }), step("fence", "pending")] }))).toEqual({
      kind: "finish",
      rule: "pre-failover-gate-refused",
      from: "running",
      to: "aborted",
      error: "Pre-failover gate: change-freeze answered 409: change freeze until 23:00",
    });
    expect(nextRunMove(run({ definition: gated, steps: [step("gate", "succeeded"), step("fence", "succeeded"), step("after", "failed", { error: "dns answered 500" })] }))).toMatchObject({
      rule: "step-failed",
      to: "failed",
    });
  });

  it("refuses a runbook whose pre-failover gate comes after a step that changes the service", () => {
    const late = runbookDefinitionSchema.safeParse({ ...definition, steps: [definition.steps[0], { id: "gate", kind: "gate", title: "Gate", point: "pre-failover" }] });
    expect(late.success).toBe(false);
    expect(late.error?.issues[0]).toMatchObject({ path: ["steps", 1, "point"], message: "a pre-failover gate must come before step fence, which changes the service" });
  });

  it("leaves paused and concluded runs alone", () => {
    for (const status of ["paused", "succeeded", "failed", "aborted"] as const) expect(nextRunMove(run({ status, steps: [step("fence", "pending")] }))).toBeNull();
  });
});
