import "server-only";
import type { Prisma } from "../db/generated/client";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { startCompensations } from "./advance-run";
import { RUN_EXECUTOR_CHANNEL } from "../db/run-executor-channel";
import { runContextOf } from "./run-view";

type Control = "pause" | "resume" | "abort";

const ALLOWED_FROM: Record<Control, string[]> = {
  pause: ["running"],
  resume: ["paused"],
  abort: ["running", "paused", "waiting", "pending"],
};

/**
 * Pause (nothing more happens until resumed), resume, or abort: an abort runs
 * the compensations registered so far, in reverse, before the run ends as
 * aborted.
 */
export async function controlRun(actor: UserActor, runId: string, control: Control, reason: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: runId }, include: { steps: true } });
    if (!run) throw new NotFoundError(`No run with id ${runId}.`);
    if (!ALLOWED_FROM[control].includes(run.status)) throw new ConflictError(`Cannot ${control} a run that is ${run.status}.`);
    const error = `aborted by ${actor.email}: ${reason}`;
    if (control === "abort") {
      const context = runContextOf(run.context);
      if (context.compensations.length) await startCompensations(run, context, null, "aborted", error, tx);
      else await tx.run.update({ where: { id: runId }, data: { status: "aborted", finishedAt: new Date(), activeForServiceId: null, error } });
    } else {
      const data: Prisma.RunUpdateInput = { status: control === "pause" ? "paused" : "running" };
      await tx.run.update({ where: { id: runId }, data });
    }
    await tx.$executeRaw`SELECT pg_notify(${RUN_EXECUTOR_CHANNEL}, ${runId})`;
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: control === "pause" ? "run.pause" : control === "resume" ? "run.resume" : "run.abort",
      target: { type: "run", id: runId },
      serviceId: run.serviceId,
      runId,
      reason,
      before: { status: run.status },
    });
  });
}
