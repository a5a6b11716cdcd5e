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
import { approvalNeededFor, requestApproval } from "../drills/drill-approvals";
import type { ApprovalNeeded } from "@/core/drills/drill-approval";
import { evacuationsNow } from "./evacuations";
import { resolvePlanScope, type PlanScope } from "./plan-scope";
import { planView } from "./plan-view";

/** What a plan drill's dry run says of it: each child a drill, and whether it waits for one approval first. */
function drillDryRun(request: CreatePlanRequest, needed: ApprovalNeeded | null): PlanDryRunView["drill"] {
  if (!request.drill) return null;
  const back = request.drill.switchBack ? `, then switched back to ${request.regionId}` : "";
  const approval = needed
    ? ` It waits first for one approval by a second person, as ${needed.services.join(", ")} require${needed.services.length === 1 ? "s" : ""}, before any service starts (until ${needed.expiresAt.toISOString()} at the latest).`
    : " No service in scope requires approval of its drills.";
  return {
    switchBack: request.drill.switchBack,
    approvalRequiredBy: needed?.services ?? [],
    sentence: `A drill: each service's run is recorded as a drill with a canary, measured against its datasets' budgets${back}.${approval}`,
  };
}

/** The dry run of a plan request: per service, what its run would do now, and which cannot move and why. */
export async function planDryRun(request: CreatePlanRequest, scope?: PlanScope): Promise<PlanDryRunView> {
  const { serviceIds, dependsOn } = scope ?? (await resolvePlanScope(request));
  const now = new Date();
  const needed = request.drill ? await approvalNeededFor(serviceIds, now) : null;
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
    drill: drillDryRun(request, needed),
    snapshotAt: now.toISOString(),
  };
}

/**
 * Starts a region evacuation now or at its scheduled time: the plan and one
 * row per service in one transaction, audited; the executor starts the
 * services' runs from there (server/plans/move-plans.ts). A plan drill on
 * a service whose policy requires approval of drills waits, as a whole, for
 * one second person's approval before anything starts.
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
  const needed = request.drill ? await approvalNeededFor(scope.serviceIds, now) : null;
  const status = needed ? "awaiting_approval" : scheduled ? "scheduled" : "running";
  const rule = needed ? "plan-drill-awaits-approval" : scheduled ? "plan-scheduled" : "plan-started";
  // What the dry run shows now is what each service's run will aim for, while that standby may still be promoted.
  const evacuations = await evacuationsNow({ regionId: request.regionId, mode: request.mode, reason: request.reason, serviceIds: scope.serviceIds }, now);
  const planId = await db().$transaction(async (tx) => {
    const plan = await tx.plan.create({
      data: {
        regionId: request.regionId,
        mode: request.mode,
        status,
        concurrency: request.concurrency,
        failurePolicy: request.failurePolicy,
        reason: request.reason,
        order: json(request.order),
        scheduledAt,
        inMaintenanceWindow: request.inMaintenanceWindow,
        startedById: actor.userId,
        startedAt: status === "running" ? now : null,
        drillSwitchBack: request.drill?.switchBack ?? null,
        services: {
          create: scope.serviceIds.map((serviceId, index) => ({ serviceId, index, dependsOn: scope.dependsOn[serviceId] ?? [], plannedTarget: evacuations.get(serviceId)?.target ?? null })),
        },
      },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: status === "running" ? "plan.start" : "plan.schedule",
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
        drill: request.drill ?? null,
        approvalRequiredBy: needed?.services ?? null,
        approvalExpiresAt: needed?.expiresAt.toISOString() ?? null,
      },
      details: { rule },
    });
    if (needed) await requestApproval(tx, { kind: "plan", id: plan.id }, actor.userId, needed);
    await wakeRunExecutor(tx, plan.id);
    return plan.id;
  });
  return planView(planId);
}
