import type { z } from "zod";
import type { drillListSchema, DrillScheduleView, DrillView } from "@/contracts/drills";
import { formatSeconds } from "@/core/format";
import { table, utc } from "../format";
import { approvalLine } from "./plans";

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? "not measured" : formatSeconds(ms / 1000));
const verdictWord = (passed: boolean | null) => (passed === null ? "not measured" : passed ? "within" : "OVER");

export function renderDrills(list: z.output<typeof drillListSchema>): string {
  if (!list.drills.length) return "No drills.";
  return table(
    ["DRILL", "SERVICE", "RUNBOOK", "STATUS", "OBSERVED RTO", "LOST WRITES", "CREATED (UTC)"],
    list.drills.map((drill) => [drill.id, drill.serviceId, drill.runbookId, drill.status, seconds(drill.observedRtoMs), drill.lostWrites === null ? "not measured" : String(drill.lostWrites), utc(drill.createdAt)]),
  );
}

export function renderDrill(drill: DrillView): string {
  const head = [
    `Drill ${drill.id} of ${drill.serviceId} (${drill.runbookId}${drill.params.to_region ? ` → ${drill.params.to_region}` : ""}${drill.switchBack ? ", switching back" : ""}): ${drill.status}${drill.error ? ` — ${drill.error}` : ""}`,
    `run ${drill.runId ?? "—"}${drill.switchBackRunId ? `, switch back ${drill.switchBackRunId}` : ""}, started ${utc(drill.createdAt)} by ${drill.startedBy ?? "its schedule"}${drill.planId ? ` as part of plan drill ${drill.planId}` : ""}`,
    ...(drill.approval ? [approvalLine(drill.approval)] : []),
  ];
  const report = drill.report;
  if (!report) return [...head, drill.status === "awaiting_approval" ? "No run yet: it starts once a second person approves it." : "No report yet: it is written when the run ends."].join("\n");
  return [
    ...head,
    "",
    `${report.passed ? "PASSED" : "FAILED"}: observed RTO ${seconds(report.observedRtoMs)}, acknowledged writes lost ${report.lostWrites === null ? "not measured" : report.lostWrites}`,
    report.canary.sentence,
    ...(report.runRto ? [`run: ${seconds(report.runRto.ms)} — ${report.runRto.sentence}`] : []),
    ...(report.switchBackRto ? [`switch back: ${seconds(report.switchBackRto.ms)} — ${report.switchBackRto.sentence}`] : []),
    "",
    table(
      ["DATASET", "BUDGET", "VERDICT", "WHY"],
      report.verdicts.map((verdict) => [verdict.dataset, verdict.budget.toUpperCase(), verdictWord(verdict.passed), verdict.sentence]),
    ),
    "",
    table(
      ["RUN", "STEP", "STATE", "DURATION"],
      report.steps.map((step) => [step.run, step.stepId, step.state, step.durationMs === null ? "—" : formatSeconds(step.durationMs / 1000)]),
    ),
  ].join("\n");
}

export function renderDrillSchedules(list: { schedules: DrillScheduleView[] }): string {
  if (!list.schedules.length) return "No repeating drills.";
  return table(
    ["SCHEDULE", "SERVICE", "RUNBOOK", "EVERY", "WINDOW ONLY", "NEXT DUE (UTC)", "OVERDUE"],
    list.schedules.map((schedule) => [
      schedule.id,
      schedule.serviceId,
      schedule.runbookId,
      `${schedule.everyDays} d`,
      schedule.inMaintenanceWindow ? "yes" : "no",
      utc(schedule.nextDueAt),
      schedule.overdue ?? "",
    ]),
  );
}
