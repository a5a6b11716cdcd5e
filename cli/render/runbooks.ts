import type { z } from "zod";
import type { runbookListSchema, RunPlanView } from "@/contracts/runbook-api";
import { table, utc } from "../format";

export function renderRunbooks(list: z.output<typeof runbookListSchema>): string {
  const lines = list.runbooks.map((runbook) => {
    const params = Object.entries(runbook.parameters)
      .map(([name, parameter]) => `${name}=<${parameter.type}>${parameter.required ? "" : " (optional)"}`)
      .join(" ");
    return [runbook.id, runbook.title, params, String(runbook.steps.length)];
  });
  const problems = list.problems.map((problem) => `  ${problem.file}: ${problem.message}`);
  return [table(["RUNBOOK", "TITLE", "PARAMETERS", "STEPS"], lines), ...(problems.length ? ["", "Files that failed to load:", ...problems] : [])].join("\n");
}

function checkText(condition: RunPlanView["steps"][number]["condition"]): string {
  if (!condition) return "";
  return "holds" in condition ? `${condition.holds ? "✓" : "✗"} ${condition.sentence}` : `… ${condition.pending}`;
}

export function renderPlan(plan: RunPlanView): string {
  const steps = table(
    ["#", "STEP", "KIND", "TARGETS", "CHECK"],
    plan.steps.map((step, index) => [
      String(index + 1),
      `${step.id}${step.needed ? "" : " (not needed)"}`,
      step.kind,
      step.targets.join(", ") || "—",
      checkText(step.condition),
    ]),
  );
  const header = `Dry run of ${plan.runbookId}: primary ${plan.primary ?? "—"} → target ${plan.target ?? "—"}${plan.targetChosenBy ? ` (chosen by ${plan.targetChosenBy})` : ""}; epoch ${plan.epoch}, policy v${plan.policyVersion ?? "—"}, as of ${utc(plan.snapshotAt)}. Nothing was changed.`;
  const blockers = plan.blockers.length
    ? [`Blockers (${plan.blockers.length}) — a run would stop before acting:`, ...plan.blockers.map((blocker) => `  - ${blocker}`)]
    : ["No blockers: every check holds now."];
  return [header, "", steps, "", ...blockers].join("\n");
}
