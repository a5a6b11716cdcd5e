import type { z } from "zod";
import type { runListSchema, RunView } from "@/contracts/runs";
import { formatSeconds } from "@/core/format";
import { table, utc } from "../format";

export const FINISHED_RUN_STATUSES: ReadonlySet<RunView["status"]> = new Set(["succeeded", "failed", "aborted", "cancelled", "refused"]);

export function renderRuns(list: z.output<typeof runListSchema>): string {
  if (!list.runs.length) return "No runs.";
  return table(
    ["RUN", "RUNBOOK", "SERVICE", "STATUS", "MODE", "STARTED BY", "CREATED (UTC)", "SCHEDULED FOR (UTC)", "FINISHED (UTC)"],
    list.runs.map((run) => [run.id, run.runbookId, run.serviceId, run.status, run.mode, run.startedBy ?? "automation", utc(run.createdAt), utc(run.scheduledAt), utc(run.finishedAt)]),
  );
}

export function renderRun(run: RunView): string {
  const steps = table(
    ["#", "STEP", "PHASE", "STATE", "TARGETS", "STARTED (UTC)", "FINISHED (UTC)", "NOTE / ERROR"],
    run.steps.map((step) => [
      String(step.index + 1),
      step.stepId,
      step.phase,
      step.state,
      step.targets.join(", ") || "—",
      utc(step.startedAt),
      utc(step.finishedAt),
      step.error ?? (step.decidedBy ? `${step.decidedBy}: ${step.note ?? ""}` : ""),
    ]),
  );
  return [
    `Run ${run.id} of ${run.runbookId} on ${run.serviceId}: ${run.status}${run.error ? ` — ${run.error}` : ""}`,
    `primary ${run.primary ?? "—"} → target ${run.target ?? "—"}, started ${utc(run.startedAt)} by ${run.startedBy ?? "automation"}`,
    ...(run.scheduledAt ? [`scheduled for ${utc(run.scheduledAt)}${run.inMaintenanceWindow ? ", inside a maintenance window only" : ""}`] : []),
    ...(run.observedRto ? [`observed RTO ${run.observedRto.ms === null ? "not measured" : formatSeconds(run.observedRto.ms / 1000)}: ${run.observedRto.sentence}`] : []),
    "",
    steps,
  ].join("\n");
}

/**
 * What changed between two polls of a run, one line each: the run's status
 * and every step whose state moved (or that appeared, e.g. a compensation).
 */
export function runChanges(previous: RunView | null, next: RunView, at: Date): string[] {
  const stamp = utc(at.toISOString());
  const lines: string[] = [];
  if (!previous || previous.status !== next.status) {
    lines.push(`${stamp}  run ${next.id}: ${previous ? `${previous.status} → ` : ""}${next.status}${next.error ? ` — ${next.error}` : ""}`);
  }
  const before = new Map((previous?.steps ?? []).map((step) => [step.id, step]));
  for (const step of next.steps) {
    const old = before.get(step.id);
    if (old?.state === step.state) continue;
    const detail = step.error ?? (step.state === "waiting" ? `waiting for a person (${step.kind})` : "");
    lines.push(`${stamp}  ${step.stepId}${step.phase === "compensation" ? " (compensation)" : ""}: ${old ? `${old.state} → ` : ""}${step.state}${detail ? ` — ${detail}` : ""}`);
  }
  return lines;
}
