import "server-only";
import type { z } from "zod";
import { overdueSentence } from "@/core/drills/drill-schedule";
import { resolveRun } from "@/core/runbooks/plan-run";
import type { createDrillScheduleRequestSchema, DrillScheduleView } from "@/contracts/drills";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { DrillSchedule } from "../db/generated/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { runbookCatalog } from "../runbooks/runbook-catalog";
import { serviceSnapshot } from "../runbooks/service-snapshot";

type CreateDrillSchedule = z.output<typeof createDrillScheduleRequestSchema>;

export function scheduleView(schedule: DrillSchedule, now = new Date()): DrillScheduleView {
  return {
    id: schedule.id,
    serviceId: schedule.serviceId,
    runbookId: schedule.runbookId,
    params: schedule.params as Record<string, string>,
    switchBack: schedule.switchBack,
    everyDays: schedule.everyDays,
    inMaintenanceWindow: schedule.inMaintenanceWindow,
    nextDueAt: schedule.nextDueAt.toISOString(),
    overdue: overdueSentence({ ...schedule, disabled: schedule.disabledAt !== null }, now),
    disabledAt: schedule.disabledAt?.toISOString() ?? null,
    createdAt: schedule.createdAt.toISOString(),
  };
}

/**
 * The parameters are checked as a run would check them now (the runbook
 * exists, the service is live, every parameter resolves), so a schedule that
 * could never start is refused rather than stored.
 */
async function assertRunnable(runbookId: string, params: Record<string, string>): Promise<void> {
  const runbook = (await runbookCatalog()).runbooks.find((candidate) => candidate.definition.id === runbookId);
  if (!runbook) throw new NotFoundError(`No runbook ${runbookId}.`);
  if (!params.service) throw new ValidationError("params.service: is required", "params.service");
  const snapshot = await serviceSnapshot(params.service).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new ValidationError(`params.service: ${error.message}`, "params.service");
    throw error;
  });
  const resolution = resolveRun(runbook.definition, params, snapshot);
  if (!resolution.ok) {
    const [first] = resolution.problems;
    throw new ValidationError(`params.${first!.field}: ${first!.message}`, `params.${first!.field}`);
  }
}

export async function createDrillSchedule(request: CreateDrillSchedule, actor: UserActor, now = new Date()): Promise<DrillScheduleView> {
  await assertRunnable(request.runbook, request.params);
  const nextDueAt = request.firstDueAt ? new Date(request.firstDueAt) : now;
  const schedule = await db().$transaction(async (tx) => {
    const created = await tx.drillSchedule.create({
      data: {
        serviceId: request.params.service!,
        runbookId: request.runbook,
        params: request.params,
        switchBack: request.switchBack,
        everyDays: request.everyDays,
        inMaintenanceWindow: request.inMaintenanceWindow,
        nextDueAt,
        createdById: actor.userId,
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "drill_schedule.create",
      target: { type: "drill_schedule", id: created.id },
      serviceId: created.serviceId,
      after: { runbook: created.runbookId, params: request.params, switchBack: created.switchBack, everyDays: created.everyDays, inMaintenanceWindow: created.inMaintenanceWindow, nextDueAt },
    });
    return created;
  });
  return scheduleView(schedule, now);
}

export async function listDrillSchedules(serviceId: string | undefined): Promise<DrillScheduleView[]> {
  const schedules = await db().drillSchedule.findMany({ where: serviceId ? { serviceId } : {}, orderBy: { nextDueAt: "asc" } });
  const now = new Date();
  return schedules.map((schedule) => scheduleView(schedule, now));
}

/** Stops a repeating drill, from the state it was read in (a second disable is 409), audited with why. */
export async function disableDrillSchedule(id: string, reason: string, actor: UserActor, now = new Date()): Promise<DrillScheduleView> {
  const schedule = await db().$transaction(async (tx) => {
    const changed = await tx.drillSchedule.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: now } });
    const stored = await tx.drillSchedule.findUnique({ where: { id } });
    if (!stored) throw new NotFoundError(`No drill schedule ${id}.`);
    if (changed.count === 0) throw new ConflictError(`The drill schedule ${id} was already disabled ${stored.disabledAt!.toISOString()}.`);
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "drill_schedule.disable",
      target: { type: "drill_schedule", id },
      serviceId: stored.serviceId,
      reason,
      before: { disabledAt: null },
      after: { disabledAt: now },
    });
    return stored;
  });
  return scheduleView(schedule, now);
}
