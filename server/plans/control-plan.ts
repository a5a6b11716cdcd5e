import "server-only";
import { planControlTransition, type PlanControl } from "@/core/plans/plan-machine";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { wakeRunExecutor } from "../db/run-executor-channel";
import { ConflictError, DomainError, NotFoundError } from "../errors";
import { controlRun } from "../runs/control-run";

/** What a plan control does to the runs of the services under way: pause, resume or abort each. */
const RUN_CONTROL: Record<PlanControl, "pause" | "resume" | "abort" | null> = { pause: "pause", resume: "resume", abort: "abort", cancel: null };

/**
 * Pause, resume, abort or cancel a plan as a whole. The plan moves only from
 * the status read here (the plan machine's table says which), with the
 * services not yet started cancelled by an abort or a cancel; then each run
 * under way gets the same control, audited as that run's own. A run that
 * cannot take it (it already ended, or is compensating) is left as it is:
 * the plan records its end when it comes.
 */
export async function controlPlan(actor: UserActor, planId: string, control: PlanControl, reason: string): Promise<void> {
  const runIds = await db().$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, include: { services: { select: { state: true, runId: true } } } });
    if (!plan) throw new NotFoundError(`No plan with id ${planId}.`);
    const row = planControlTransition(control, plan.status);
    if (!row) throw new ConflictError(`Cannot ${control} a plan that is ${plan.status}.`);
    const ends = row.to === "aborted" || row.to === "cancelled";
    const changed = await tx.plan.updateMany({ where: { id: planId, status: plan.status }, data: { status: row.to, ...(ends ? { finishedAt: new Date(), error: `${control === "abort" ? "aborted" : "cancelled"} by ${actor.email}: ${reason}` } : {}) } });
    if (changed.count === 0) throw new ConflictError(`Cannot ${control} the plan: it changed meanwhile; look again and retry.`);
    if (ends) await tx.planService.updateMany({ where: { planId, state: "pending" }, data: { state: "cancelled", rule: row.id, note: reason, finishedAt: new Date() } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: `plan.${control}`,
      target: { type: "plan", id: planId },
      reason,
      before: { status: plan.status },
      after: { status: row.to },
      details: { rule: row.id },
    });
    await wakeRunExecutor(tx, planId);
    return plan.services.filter((service) => service.state === "running" && service.runId).map((service) => service.runId!);
  });
  const runControl = RUN_CONTROL[control];
  if (!runControl) return;
  for (const runId of runIds) {
    await controlRun(actor, runId, runControl, `plan ${planId}: ${reason}`).catch((error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
    });
  }
}
