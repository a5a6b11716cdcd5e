import "server-only";
import { validateSchedule } from "@/core/schedules/schedule-rules";
import type { CreatePlanRequest, PlanDryRunView, PlanView } from "@/contracts/plans";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { wakeRunExecutor } from "../db/run-executor-channel";
import { ValidationError } from "../errors";
import { effectivePolicies } from "../policy/effective-policy";
import { json } from "../runs/run-writes";
import { evacuationsNow } from "./evacuations";
import { resolvePlanScope, type PlanScope } from "./plan-scope";
import { planView } from "./plan-view";

/** The dry run of a plan request: per service, what its run would do now, and which cannot move and why. */
export async function planDryRun(request: CreatePlanRequest, scope?: PlanScope): Promise<PlanDryRunView> {
  const { serviceIds, dependsOn } = scope ?? (await resolvePlanScope(request));
  const now = new Date();
  const evacuations = await evacuationsNow({ regionId: request.regionId, mode: request.mode, reason: request.reason, serviceIds }, now);
  const services = serviceIds.flatMap((serviceId) => {
    const evacuation = evacuations.get(serviceId);
    return evacuation ? [{ ...evacuation, dependsOn: dependsOn[serviceId] ?? [] }] : [];
  });
  return {
    regionId: request.regionId,
    mode: request.mode,
    concurrency: request.concurrency,
    failurePolicy: request.failurePolicy,
    services,
    cannotMove: services.filter((service) => service.blockers.length > 0).map((service) => ({ serviceId: service.serviceId, reasons: service.blockers })),
    snapshotAt: now.toISOString(),
  };
}

/**
 * Starts a region evacuation now or at its scheduled time: the plan and one
 * row per service in one transaction, audited; the executor starts the
 * services' runs from there (server/plans/move-plans.ts).
 */
export async function createPlan(actor: UserActor, request: CreatePlanRequest): Promise<PlanView | PlanDryRunView> {
  const scope = await resolvePlanScope(request);
  const now = new Date();
  const scheduledAt = request.scheduledAt ? new Date(request.scheduledAt) : null;
  if (scheduledAt) {
    // The schedule rules of a run, for each service the plan covers: its windows are its own policy's.
    const policies = await effectivePolicies(scope.serviceIds);
    for (const serviceId of scope.serviceIds) {
      const verdict = validateSchedule({ scheduledAt, inMaintenanceWindow: request.inMaintenanceWindow }, { now, windows: policies.get(serviceId)?.document.maintenanceWindows ?? [] });
      if (!verdict.ok) throw new ValidationError(`${verdict.field}: ${serviceId}: ${verdict.message}`, verdict.field);
    }
  }
  if (request.dryRun) return planDryRun(request, scope);

  const scheduled = scheduledAt !== null && scheduledAt > now;
  // What the dry run shows now is what each service's run will aim for, while that standby may still be promoted.
  const evacuations = await evacuationsNow({ regionId: request.regionId, mode: request.mode, reason: request.reason, serviceIds: scope.serviceIds }, now);
  const planId = await db().$transaction(async (tx) => {
    const plan = await tx.plan.create({
      data: {
        regionId: request.regionId,
        mode: request.mode,
        status: scheduled ? "scheduled" : "running",
        concurrency: request.concurrency,
        failurePolicy: request.failurePolicy,
        reason: request.reason,
        order: json(request.order),
        scheduledAt,
        inMaintenanceWindow: request.inMaintenanceWindow,
        startedById: actor.userId,
        startedAt: scheduled ? null : now,
        services: {
          create: scope.serviceIds.map((serviceId, index) => ({ serviceId, index, dependsOn: scope.dependsOn[serviceId] ?? [], plannedTarget: evacuations.get(serviceId)?.target ?? null })),
        },
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: scheduled ? "plan.schedule" : "plan.start",
      target: { type: "plan", id: plan.id },
      reason: request.reason,
      after: {
        regionId: request.regionId,
        mode: request.mode,
        services: scope.serviceIds,
        labels: request.labels ?? null,
        dependsOn: scope.dependsOn,
        plannedTargets: Object.fromEntries(scope.serviceIds.map((serviceId) => [serviceId, evacuations.get(serviceId)?.target ?? null])),
        concurrency: request.concurrency,
        failurePolicy: request.failurePolicy,
        scheduledAt: scheduledAt?.toISOString() ?? null,
        inMaintenanceWindow: request.inMaintenanceWindow,
      },
      details: { rule: scheduled ? "plan-scheduled" : "plan-started" },
    });
    await wakeRunExecutor(tx, plan.id);
    return plan.id;
  });
  return planView(planId);
}
