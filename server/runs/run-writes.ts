import "server-only";
import type { RunContext } from "@/core/runbooks/run-context";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import type { Prisma, Run, StepRun } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { measureRunRto } from "./run-rto";

/** The engine acts as the automation, on behalf of whoever started the run (recorded on the run). */
export const ENGINE: AuditActor = { type: "automation", id: null, label: "runbook engine" };

/**
 * The run or its step changed between the read and the write (a person's
 * decision or abort, another executor), or the old primary's lease was
 * renewed under the promotion: the transaction rolls back and the move is
 * decided again from what is stored now (a person is answered 409).
 */
export class MovedMeanwhile extends Error {}

export const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * What every write of a step, the engine's or a person's, compares and sets
 * from: the step's state and attempt as the decision read them (a retry is
 * stored as pending too, so the attempt tells it from the attempt it
 * follows). A re-check that finds the step where it was is no move and
 * writes nothing, so an engine tick that changed nothing never moves this
 * key under a person's decision; a real move (a deadline, a new attempt) does.
 */
export const stepKey = (stepRun: Pick<StepRun, "id" | "state" | "attempts">) => ({ id: stepRun.id, state: stepRun.state, attempts: stepRun.attempts });

/** Holds the run row and proves it is still in the status the move was decided on; `data` is written with it. */
export async function claimRun(tx: Tx, run: Run, data: Prisma.RunUpdateManyMutationInput = {}) {
  const changed = await tx.run.updateMany({ where: { id: run.id, status: run.status }, data: { status: run.status, ...data } });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
}

/** Ends a run with what users saw of it measured (observed RTO), whatever its outcome. */
export async function finishRun(tx: Tx, run: Run, status: "succeeded" | "failed" | "aborted", error: string | null, now: Date) {
  const rto = await measureRunRto(tx, run, now);
  const changed = await tx.run.updateMany({
    where: { id: run.id, status: run.status },
    data: { status, finishedAt: now, activeForServiceId: null, error, observedRtoMs: rto.ms, observedRto: json(rto) },
  });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "run.finish",
    target: { type: "run", id: run.id },
    serviceId: run.serviceId,
    runId: run.id,
    outcome: status === "succeeded" ? "success" : "failure",
    reason: error,
    after: { status, observedRtoMs: rto.ms, observedRtoMethod: rto.method },
  });
}

/**
 * Queues the registered compensations, newest first, and switches the run to
 * compensating, only from the status `run` was read in (else MovedMeanwhile).
 */
export async function startCompensations(tx: Tx, run: Run & { steps: StepRun[] }, context: RunContext, outcome: "failed" | "aborted", error: string) {
  const titles = new Map(run.steps.map((stepRun) => [stepRun.stepId, stepRun.title]));
  const changed = await tx.run.updateMany({
    where: { id: run.id, status: run.status },
    data: { status: "compensating", error, context: json({ ...context, outcome }) },
  });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
  await tx.stepRun.createMany({
    data: [...context.compensations].reverse().map((compensation, index) => ({
      runId: run.id,
      stepId: `undo-${compensation.stepId}`,
      index,
      phase: "compensation" as const,
      kind: "agent" as const,
      title: `Undo: ${titles.get(compensation.stepId) ?? compensation.stepId}`,
      targets: compensation.replicaIds,
      idempotencyKey: `${run.id}:undo-${compensation.stepId}`,
    })),
    skipDuplicates: true,
  });
}
