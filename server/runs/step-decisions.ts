import "server-only";
import { stepTransition, storedStateOf } from "@/core/runbooks/step-machine";
import { assertSecondPerson } from "../accounts/second-person";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { wakeRunExecutor } from "../db/run-executor-channel";
import { stepKey } from "./run-writes";

async function waitingStep(runId: string, stepId: string, kind: "manual" | "approval") {
  const run = await db().run.findUnique({ where: { id: runId } });
  if (!run) throw new NotFoundError(`No run with id ${runId}.`);
  const step = await db().stepRun.findFirst({ where: { runId, stepId, phase: "forward" } });
  if (!step) throw new NotFoundError(`Run ${runId} has no step ${stepId}.`);
  if (step.kind !== kind) throw new ConflictError(`Step ${stepId} is a ${step.kind} step, not ${kind === "manual" ? "a manual" : "an approval"} step.`);
  if (run.status !== "running" || step.state !== "waiting") {
    throw new ConflictError(`Step ${stepId} is not waiting for a decision (step ${step.state}, run ${run.status}).`);
  }
  return { run, step };
}

async function decide(actor: UserActor, runId: string, stepId: string, kind: "manual" | "approval", decision: "confirm" | "approve" | "reject", note: string | undefined) {
  const { run, step } = await waitingStep(runId, stepId, kind);
  if (kind === "approval" && run.startedById === actor.userId) {
    throw new ForbiddenError("Two-person rule: the person who started the run cannot approve or reject its approval step.");
  }
  if (kind === "approval" && decision === "approve") await assertSecondPerson(actor, run.startedById, new Date());
  const row = stepTransition(decision === "confirm" ? "person-confirmed" : decision === "approve" ? "person-approved" : "person-rejected");
  await db().$transaction(async (tx) => {
    // The run must still be running when the step moves: held FOR SHARE, so an abort or the engine's move of the run waits for this decision or comes first.
    const [current] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM "Run" WHERE id = ${runId} FOR SHARE`;
    if (current?.status !== "running") throw new ConflictError(`Step ${stepId} is not waiting for a decision (run ${current?.status ?? "gone"}).`);
    // Only the step as it was read moves, still waiting in the same attempt: two people deciding at once, or a person and the step's deadline, cannot both win.
    const changed = await tx.stepRun.updateMany({
      where: stepKey(step),
      data: { state: storedStateOf(row.to), finishedAt: new Date(), confirmedById: actor.userId, note: note ?? null, error: decision === "reject" ? `rejected by ${actor.email}${note ? `: ${note}` : ""}` : null },
    });
    if (changed.count === 0) throw new ConflictError(`Step ${stepId} moved on meanwhile (decided, timed out or retried): look at the run again.`);
    await wakeRunExecutor(tx, runId);
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: decision === "confirm" ? "run.confirm" : decision === "approve" ? "run.approve" : "run.reject",
      target: { type: "run", id: runId },
      serviceId: run.serviceId,
      runId,
      stepRunId: step.id,
      outcome: decision === "reject" ? "failure" : "success",
      reason: note ?? null,
      details: { step: stepId, rule: row.id },
    });
  });
}

export const confirmStep = (actor: UserActor, runId: string, stepId: string, note?: string) => decide(actor, runId, stepId, "manual", "confirm", note);
export const approveStep = (actor: UserActor, runId: string, stepId: string, note?: string) => decide(actor, runId, stepId, "approval", "approve", note);
export const rejectStep = (actor: UserActor, runId: string, stepId: string, note?: string) => decide(actor, runId, stepId, "approval", "reject", note);
