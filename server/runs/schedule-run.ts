import "server-only";
import { validateSchedule, type ScheduleRequest } from "@/core/schedules/schedule-rules";
import type { RunView } from "@/contracts/runs";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { ValidationError } from "../errors";
import { assertServiceLive, catalogRunbook, resolveParams, storeRunbook } from "./start-run";
import { runView } from "./run-view";
import { maintenanceWindowsOf } from "../schedules/schedule-facts";

/**
 * Schedules a run for later: its parameters are checked against the
 * topology now (a bad one is refused at once), the time against the
 * schedule rules, and the run is stored as scheduled with the definition
 * the person read, resolving nothing and claiming no service until the
 * control plane starts it (server/runs/start-due-runs.ts).
 */
export async function scheduleRun(runbookId: string, params: Record<string, string>, request: ScheduleRequest, actor: UserActor, now = new Date()): Promise<RunView> {
  const runbook = await catalogRunbook(runbookId);
  const { serviceId } = await resolveParams(runbook, params);
  const verdict = validateSchedule(request, { now, windows: await maintenanceWindowsOf(serviceId) });
  if (!verdict.ok) throw new ValidationError(`${verdict.field}: ${verdict.message}`, verdict.field);
  const runId = await db().$transaction(async (tx: Tx) => {
    await assertServiceLive(tx, serviceId);
    await storeRunbook(tx, runbook);
    const run = await tx.run.create({
      data: {
        runbookId,
        contentHash: runbook.contentHash,
        definition: runbook.definition as unknown as Prisma.InputJsonValue,
        serviceId,
        params,
        mode: "guided",
        status: "scheduled",
        actorType: "user",
        startedById: actor.userId,
        reason: params.reason ?? null,
        scheduledAt: request.scheduledAt,
        inMaintenanceWindow: request.inMaintenanceWindow,
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "run.schedule",
      target: { type: "run", id: run.id },
      serviceId,
      runId: run.id,
      reason: params.reason ?? null,
      after: { runbook: runbookId, contentHash: runbook.contentHash, params, scheduledAt: request.scheduledAt.toISOString(), inMaintenanceWindow: request.inMaintenanceWindow },
    });
    return run.id;
  });
  return runView(runId);
}
