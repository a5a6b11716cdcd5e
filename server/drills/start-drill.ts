import "server-only";
import type { z } from "zod";
import type { DrillView, startDrillRequestSchema } from "@/contracts/drills";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { ValidationError } from "../errors";
import { createRun, prepareRun, type RunStarter } from "../runs/start-run";
import { approvalNeededFor, requestApproval } from "./drill-approvals";
import { drillView } from "./drill-view";

type StartDrillRequest = z.output<typeof startDrillRequestSchema>;

/** The write region a switch back returns to: where the service takes writes before the drill. */
export async function writeRegionOf(serviceId: string | undefined): Promise<string | null> {
  if (!serviceId) throw new ValidationError("params.service: is required", "params.service");
  const service = await db().service.findUnique({ where: { id: serviceId }, select: { writeReplica: { select: { regionId: true } } } });
  return service?.writeReplica?.regionId ?? null;
}

/** The drill's row and its audit event, in the transaction that creates its run. */
export async function recordDrill(
  tx: Tx,
  data: Omit<Prisma.DrillUncheckedCreateInput, "params"> & { params: Record<string, string> },
  actor: AuditActor,
): Promise<string> {
  const drill = await tx.drill.create({ data });
  await appendAuditEvent(tx, {
    actor,
    action: "drill.start",
    target: { type: "drill", id: drill.id },
    serviceId: drill.serviceId,
    runId: drill.runId,
    reason: drill.reason,
    after: { runbook: drill.runbookId, params: data.params, switchBack: drill.switchBack, originalRegionId: drill.originalRegionId, run: drill.runId, schedule: drill.scheduleId, plan: drill.planId, status: drill.status },
  });
  return drill.id;
}

/**
 * A person's drill: its run starts now, as any run a person starts (guided:
 * what the runbook asks a person, they answer), and the drill's row with it,
 * in one transaction; a refused run (unknown runbook or service, bad
 * parameters, a run already under way) leaves nothing. The drill loop runs
 * the canary and writes the report when the run ends.
 *
 * When its service's policy requires approval of drills, no run starts:
 * the drill waits for a second person (server/drills/drill-approvals.ts),
 * its run checked now as it would be started, and the drill loop starts it
 * once approved.
 */
export async function startDrill(request: StartDrillRequest, actor: UserActor): Promise<DrillView> {
  const originalRegionId = await writeRegionOf(request.params.service);
  const needed = await approvalNeededFor([request.params.service!], new Date());
  if (needed) return drillView(await awaitApproval(request, actor, originalRegionId, needed));
  const starter: RunStarter = { type: "user", actor };
  let drillId = "";
  await createRun(request.runbook, request.params, starter, { alongside: async (tx, runId) => {
    drillId = await recordDrill(
      tx,
      {
        serviceId: request.params.service!,
        runbookId: request.runbook,
        params: request.params,
        switchBack: request.switchBack,
        status: "running",
        originalRegionId,
        runId,
        startedById: actor.userId,
        reason: request.params.reason ?? null,
      },
      auditActorOf(actor),
    );
  } });
  return drillView(drillId);
}

/** A drill that waits for its approval: its run resolved now (a bad parameter is refused, nothing written), the drill and its approval stored together. */
async function awaitApproval(request: StartDrillRequest, actor: UserActor, originalRegionId: string | null, needed: NonNullable<Awaited<ReturnType<typeof approvalNeededFor>>>): Promise<string> {
  const prepared = await prepareRun(request.runbook, request.params);
  return db().$transaction(async (tx) => {
    const drillId = await recordDrill(
      tx,
      {
        serviceId: prepared.serviceId,
        runbookId: request.runbook,
        params: request.params,
        switchBack: request.switchBack,
        status: "awaiting_approval",
        originalRegionId,
        startedById: actor.userId,
        reason: request.params.reason ?? null,
      },
      auditActorOf(actor),
    );
    await requestApproval(tx, { kind: "drill", id: drillId }, actor.userId, needed);
    return drillId;
  });
}
