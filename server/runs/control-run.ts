import "server-only";
import type { AuditAction } from "@/contracts/audit";
import { controlTransition, type RunControl } from "@/core/runbooks/run-machine";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { wakeRunExecutor } from "../db/run-executor-channel";
import { MovedMeanwhile, startCompensations } from "./run-writes";
import { runContextOf } from "./stored-run";

const CONTROL_ACTIONS = { pause: "run.pause", resume: "run.resume", abort: "run.abort", cancel: "run.cancel" } as const satisfies Record<RunControl, AuditAction>;

/**
 * Pause (nothing more happens until resumed), resume, cancel a scheduled run before its time, or abort: an abort runs
 * the compensations registered so far, in reverse, before the run ends as
 * aborted. The run moves only from the status read here (the run-machine's
 * table says which): an engine move or another person's control that got
 * there first is answered 409, never written over.
 */
export async function controlRun(actor: UserActor, runId: string, control: RunControl, reason: string): Promise<void> {
  await db()
    .$transaction(async (tx) => {
      const run = await tx.run.findUnique({ where: { id: runId }, include: { steps: true } });
      if (!run) throw new NotFoundError(`No run with id ${runId}.`);
      const context = runContextOf(run.context);
      const row = controlTransition(control, run.status, context.compensations.length > 0);
      if (!row) throw new ConflictError(`Cannot ${control} a run that is ${run.status}.`);
      const error = `${row.to === "cancelled" ? "cancelled" : "aborted"} by ${actor.email}: ${reason}`;
      if (row.to === "compensating") await startCompensations(tx, run, context, "aborted", error);
      else {
        const ends = row.to === "aborted" || row.to === "cancelled";
        const data = ends ? { status: row.to, finishedAt: new Date(), activeForServiceId: null, error } : { status: row.to };
        const changed = await tx.run.updateMany({ where: { id: runId, status: run.status }, data });
        if (changed.count === 0) throw new MovedMeanwhile(`run ${runId} is no longer ${run.status}`);
      }
      await wakeRunExecutor(tx, runId);
      await appendAuditEvent(tx, {
        actor: auditActorOf(actor),
        action: CONTROL_ACTIONS[control],
        target: { type: "run", id: runId },
        serviceId: run.serviceId,
        runId,
        reason,
        before: { status: run.status },
      });
    })
    .catch((error: unknown) => {
      if (error instanceof MovedMeanwhile) throw new ConflictError(`Cannot ${control} the run: it changed meanwhile (${error.message}); look again and retry.`);
      throw error;
    });
}
