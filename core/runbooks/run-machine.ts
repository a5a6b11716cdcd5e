import type { RunbookDefinition, RunbookStep } from "@/contracts/runbooks";
import type { RunContext } from "./run-context";
import { compensationStep, type StoredStepState } from "./step-machine";

/**
 * A run's statuses as a declared state machine. `pending` and `waiting` are
 * statuses the store knows (contracts/runs RUN_STATUSES) but nothing writes:
 * a run starts running and its steps wait, so no row leaves or enters them.
 */

export type RunStatus = "pending" | "scheduled" | "running" | "waiting" | "paused" | "compensating" | "succeeded" | "failed" | "aborted" | "cancelled" | "refused";
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "aborted", "cancelled", "refused"];
export const UNWRITTEN_RUN_STATUSES: readonly RunStatus[] = ["pending", "waiting"];

export type RunControl = "pause" | "resume" | "abort" | "cancel";

export interface RunTransition {
  id: string;
  /** Empty for the row that creates a run. */
  from: readonly RunStatus[];
  to: RunStatus;
  /** Who makes the move: the engine, a person's control (server/runs/control-run.ts), whoever starts the run, or the scheduler at a scheduled run's time. */
  by: "start" | "schedule" | "engine" | "scheduler" | RunControl;
  sentence: string;
}

/** Every move a run can make; ids are stable (tests and the engine name them). */
const RUN_TABLE = [
  { id: "run-started", from: [], to: "running", by: "start", sentence: "A person or the automation starts a run, which acts at once." },
  { id: "run-scheduled", from: [], to: "scheduled", by: "schedule", sentence: "A person schedules a run for a time: it resolves nothing and claims no service until then." },
  {
    id: "scheduled-run-started",
    from: ["scheduled"],
    to: "running",
    by: "scheduler",
    sentence: "At its time, its checks passing (core/schedules DUE_RULES), the control plane starts a scheduled run as the person who scheduled it.",
  },
  {
    id: "scheduled-run-refused",
    from: ["scheduled"],
    to: "refused",
    by: "scheduler",
    sentence: "At its time, a scheduled run whose checks fail is refused, with the reason as its error and an alert, having changed nothing.",
  },
  { id: "cancelled-by-person", from: ["scheduled"], to: "cancelled", by: "cancel", sentence: "A person cancels a scheduled run before its time: it never starts." },
  { id: "paused-by-person", from: ["running"], to: "paused", by: "pause", sentence: "A person pauses a running run: nothing more happens until it is resumed." },
  { id: "resumed-by-person", from: ["paused"], to: "running", by: "resume", sentence: "A person resumes a paused run where it stopped." },
  {
    id: "aborted-with-undo",
    from: ["running", "paused"],
    to: "compensating",
    by: "abort",
    sentence: "A person aborts a run that registered undos: they run in reverse before the run ends as aborted.",
  },
  { id: "aborted-by-person", from: ["running", "paused"], to: "aborted", by: "abort", sentence: "A person aborts a run with nothing to undo: it ends at once." },
  { id: "every-step-done", from: ["running"], to: "succeeded", by: "engine", sentence: "Every step succeeded or was skipped." },
  {
    id: "step-failed-undo",
    from: ["running"],
    to: "compensating",
    by: "engine",
    sentence: "A step that asks for compensation failed after earlier steps registered undos: they run in reverse.",
  },
  {
    id: "pre-failover-gate-refused",
    from: ["running"],
    to: "aborted",
    by: "engine",
    sentence: "The service's pre-failover gate refused, or could not be asked, before the run changed anything: the run ends as aborted, with the gate's message as its error.",
  },
  { id: "step-failed", from: ["running"], to: "failed", by: "engine", sentence: "A step failed, with nothing to undo or not asking for it: the run stops there." },
  { id: "undone-after-failure", from: ["compensating"], to: "failed", by: "engine", sentence: "The undos of a failed run have run (a failed undo is named in the run's error)." },
  { id: "undone-after-abort", from: ["compensating"], to: "aborted", by: "engine", sentence: "The undos of an aborted run have run (a failed undo is named in the run's error)." },
] as const satisfies readonly RunTransition[];

export type RunRuleId = (typeof RUN_TABLE)[number]["id"];
export const RUN_TRANSITIONS: readonly (RunTransition & { id: RunRuleId })[] = RUN_TABLE;

export function runTransition(id: RunRuleId): RunTransition {
  return RUN_TRANSITIONS.find((row) => row.id === id)!;
}

/** The statuses a person's control moves a run from, as the table says. */
export function controllableFrom(control: RunControl): RunStatus[] {
  return [...new Set(RUN_TRANSITIONS.filter((row) => row.by === control).flatMap((row) => row.from))];
}

/** The control's row for a run in `status`: an abort with undos registered compensates first. */
export function controlTransition(control: RunControl, status: RunStatus, hasUndo: boolean): RunTransition | null {
  const id: RunRuleId =
    control === "pause" ? "paused-by-person" : control === "resume" ? "resumed-by-person" : control === "cancel" ? "cancelled-by-person" : hasUndo ? "aborted-with-undo" : "aborted-by-person";
  const row = runTransition(id);
  return row.from.includes(status) ? row : null;
}

export interface RunStepRow {
  id: string;
  stepId: string;
  phase: "forward" | "compensation";
  state: StoredStepState;
  title: string;
  error: string | null;
}

export interface RunRow {
  status: RunStatus;
  error: string | null;
  definition: RunbookDefinition;
  /** With `outcome` once the run switched to compensating: how it ends after its undos. */
  context: RunContext & { outcome?: "failed" | "aborted" };
  /** In phase, then index, order. */
  steps: readonly RunStepRow[];
}

export type RunMove =
  | { kind: "step"; stepRun: RunStepRow; step: RunbookStep }
  | { kind: "finish"; rule: RunRuleId; from: RunStatus; to: "succeeded" | "failed" | "aborted"; error: string | null }
  | { kind: "compensate"; rule: "step-failed-undo"; from: RunStatus; error: string };

/**
 * What an active run does next: move its current step, or end (after its
 * undos, when a failed step asks for them). Null when the engine does not
 * move a run in this status.
 */
export function nextRunMove(run: RunRow): RunMove | null {
  if (run.status !== "running" && run.status !== "compensating") return null;
  const compensating = run.status === "compensating";
  const phase = compensating ? "compensation" : "forward";
  // A failed undo does not stop the others.
  const stepRun = run.steps.find((candidate) => candidate.phase === phase && candidate.state !== "succeeded" && candidate.state !== "skipped" && !(compensating && candidate.state === "failed"));
  if (!stepRun) {
    if (!compensating) return { kind: "finish", rule: "every-step-done", from: run.status, to: "succeeded", error: run.error };
    const outcome = run.context.outcome ?? "failed";
    const failedUndo = run.steps.filter((candidate) => candidate.phase === "compensation" && candidate.state === "failed");
    const error = failedUndo.length ? `${run.error ?? ""}; compensation failed: ${failedUndo.map((step) => step.title).join(", ")}` : run.error;
    return { kind: "finish", rule: outcome === "aborted" ? "undone-after-abort" : "undone-after-failure", from: run.status, to: outcome, error };
  }
  const step = compensating ? compensationStep(stepRun, run.context) : run.definition.steps.find((candidate) => candidate.id === stepRun.stepId);
  if (!step) throw new Error(`the run has no definition for step ${stepRun.stepId}`);
  if (stepRun.state !== "failed") return { kind: "step", stepRun, step };
  const error = `${step.title}: ${stepRun.error ?? "failed"}`;
  // The runbook schema keeps a pre-failover gate before every step that changes anything, so nothing is left to undo.
  if (step.kind === "gate" && step.point === "pre-failover") return { kind: "finish", rule: "pre-failover-gate-refused", from: run.status, to: "aborted", error };
  if (step.onFailure === "compensate" && run.context.compensations.length > 0) return { kind: "compensate", rule: "step-failed-undo", from: run.status, error };
  return { kind: "finish", rule: "step-failed", from: run.status, to: "failed", error };
}
