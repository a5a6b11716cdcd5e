import "server-only";
import { budgetVerdicts, drillPassed } from "@/core/drills/budget-verdicts";
import { canaryVerdict, type CanaryNotMeasured, type CanaryVerdict } from "@/core/drills/canary";
import type { ObservedRto } from "@/core/drills/observed-rto";
import { observedRtoSchema } from "@/contracts/runs";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Drill, Prisma, Run, StepRun } from "../db/generated/client";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { ENGINE } from "../runs/run-writes";
import type { CanaryWriter } from "./canary-writer";
import { writeRegionOf } from "./start-drill";

type RunWithSteps = Run & { steps: StepRun[] };
const json = (value: unknown) => value as Prisma.InputJsonValue;
const rtoOf = (run: Run | null): Omit<ObservedRto, "method"> & { method: string } | null => (run?.observedRto ? observedRtoSchema.parse(run.observedRto) : null);

/** The canary's verdict, reading back which acknowledged writes the final primary holds; or why it measured nothing. */
async function judgeCanary(canary: CanaryWriter | null, noCanary: string): Promise<CanaryVerdict | CanaryNotMeasured> {
  if (!canary) return { measured: false, sentence: noCanary };
  await canary.stop();
  try {
    return canaryVerdict(canary.attempts, await canary.present());
  } catch (error) {
    return { measured: false, sentence: `The canary wrote ${canary.attempts.length} times, but its writes could not be read back from the final primary: ${(error as Error).message}.` };
  }
}

function timelineOf(drill: Drill, runs: { label: string; run: RunWithSteps }[], canary: CanaryWriter | null, verdict: CanaryVerdict | CanaryNotMeasured, now: Date) {
  const events: { at: Date; what: string }[] = [{ at: drill.createdAt, what: "Drill requested" }];
  if (canary) events.push({ at: canary.startedAt, what: "Canary started writing through the write route" });
  for (const { label, run } of runs) {
    if (run.startedAt) events.push({ at: run.startedAt, what: `${label} run started (${run.runbookId})` });
    for (const step of run.steps) {
      if (step.startedAt) events.push({ at: step.startedAt, what: `${label}: ${step.title} — started` });
      if (step.finishedAt) events.push({ at: step.finishedAt, what: `${label}: ${step.title} — ${step.state}` });
    }
    if (run.finishedAt) events.push({ at: run.finishedAt, what: `${label} run ${run.status}` });
  }
  if (verdict.measured) {
    for (const outage of verdict.outages) {
      events.push({ at: new Date(outage.from), what: `Canary: first refused write${outage.before ? ` (writes went to ${outage.before})` : ""}` });
      if (outage.to) events.push({ at: new Date(outage.to), what: `Canary: first accepted write${outage.after ? ` on ${outage.after}` : ""}` });
    }
  }
  events.push({ at: now, what: `Canary ledger checked: ${verdict.sentence}` });
  return events.sort((a, b) => a.at.getTime() - b.at.getTime()).map((event) => ({ at: event.at.toISOString(), what: event.what }));
}

const stepsOf = (label: "drill" | "switch-back", run: RunWithSteps | null) =>
  (run?.steps ?? [])
    .filter((step) => step.phase === "forward" || step.startedAt)
    .map((step) => ({
      run: label,
      stepId: step.stepId,
      title: step.title,
      state: step.state,
      durationMs: step.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : null,
    }));

/**
 * Ends a drill: the canary's ledger checked on the final primary, the
 * observed RTO (the canary's when it measured one, else the run's own from
 * the agents' reports), a verdict per dataset budget, each step's duration
 * and the timeline, stored with the drill's outcome and its audit event in
 * one transaction under the drill loop's lease.
 */
export async function finishDrill(drill: Drill, lease: HeldLease, canary: CanaryWriter | null, noCanary: string, problem: string | null, now = new Date()): Promise<void> {
  const load = (id: string | null) => (id ? db().run.findUnique({ where: { id }, include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] } } }) : null);
  const [run, back, datasets] = await Promise.all([load(drill.runId), load(drill.switchBackRunId), db().dataset.findMany({ where: { serviceId: drill.serviceId }, orderBy: { name: "asc" } })]);
  const verdict = await judgeCanary(canary, noCanary);
  const runRto = rtoOf(run);
  const observedRtoMs = (verdict.measured ? verdict.observedRtoMs : null) ?? runRto?.ms ?? null;
  const verdicts = budgetVerdicts(datasets, {
    rtoMs: observedRtoMs,
    lost: verdict.measured ? verdict.lost : null,
    lossWindowMs: verdict.measured ? verdict.lossWindowMs : null,
  });
  // Asked to switch back, the drill passes only if the service takes writes where it did before.
  const switchedBack = !drill.switchBack || (drill.originalRegionId !== null && (await writeRegionOf(drill.serviceId)) === drill.originalRegionId);
  const passed = drillPassed(run?.status === "succeeded" && switchedBack && !problem, verdicts);
  const status = run?.status === "aborted" ? "aborted" : passed ? "passed" : "failed";
  const error = problem ?? (run && run.status !== "succeeded" ? `The drill's run ${run.status}${run.error ? `: ${run.error}` : ""}.` : null) ?? (switchedBack ? null : `The service is not back in ${drill.originalRegionId ?? "its original region"}: the switch back ${back?.status ?? "did not start"}.`);
  const runs = [...(run ? [{ label: "Drill", run }] : []), ...(back ? [{ label: "Switch back", run: back }] : [])];

  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    const changed = await tx.drill.updateMany({ where: { id: drill.id, status: drill.status }, data: { status, finishedAt: now, error } });
    if (changed.count === 0) return;
    await tx.drillReport.create({
      data: {
        drillId: drill.id,
        passed,
        observedRtoMs,
        lostWrites: verdict.measured ? verdict.lost : null,
        canary: json(verdict),
        runRto: json({ runRto, switchBackRto: rtoOf(back) }),
        verdicts: json(verdicts),
        steps: json([...stepsOf("drill", run), ...stepsOf("switch-back", back)]),
        timeline: json(timelineOf(drill, runs, canary, verdict, now)),
      },
    });
    await appendAuditEvent(tx, {
      actor: ENGINE,
      action: "drill.finish",
      target: { type: "drill", id: drill.id },
      serviceId: drill.serviceId,
      runId: drill.runId,
      outcome: passed ? "success" : "failure",
      reason: error,
      after: { status, observedRtoMs, lostWrites: verdict.measured ? verdict.lost : null, failedBudgets: verdicts.filter((row) => row.passed === false).map((row) => row.sentence) },
    });
  });
}
