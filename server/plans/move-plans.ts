import "server-only";
import { nextPlanMoves, type PlanMove } from "@/core/plans/plan-machine";
import { decideDue, type DueDecision } from "@/core/schedules/schedule-rules";
import type { ServiceEvacuation } from "@/core/plans/evacuation";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Plan, PlanService, PlanServiceState } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { DomainError } from "../errors";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { effectivePolicies } from "../policy/effective-policy";
import { MovedMeanwhile } from "../runs/run-writes";
import { createRun } from "../runs/start-run";
import { auditActorOf } from "../auth/actor";
import { recordDrill } from "../drills/start-drill";
import { evacuationsNow } from "./evacuations";
import { planOwner } from "./plan-owner";
import { planRowOf } from "./plan-row";

/** The engine moves plans as it moves runs, on behalf of whoever started them (recorded on the plan). */
export const PLAN_ENGINE: AuditActor = { type: "automation", id: null, label: "plan engine" };

type StoredPlan = Plan & { services: (PlanService & { run: { status: string } | null })[] };

const loadPlan = (planId: string) => db().plan.findUnique({ where: { id: planId }, include: { services: { orderBy: { index: "asc" }, include: { run: { select: { status: true } } } } } });

/** Holds the plan row in the status the move was decided on (else MovedMeanwhile: a person paused or aborted it meanwhile). */
async function claimPlan(tx: Tx, plan: Plan) {
  const held = await tx.plan.updateMany({ where: { id: plan.id, status: plan.status }, data: { status: plan.status } });
  if (held.count === 0) throw new MovedMeanwhile(`plan ${plan.id} is no longer ${plan.status}`);
}

interface ServiceOutcome {
  to: PlanServiceState;
  rule: string;
  note: string;
  runId?: string;
}

/** One service's new state, written only from the state it was read in, audited with its rule. */
async function writeServiceOutcome(tx: Tx, plan: Plan, service: PlanService, outcome: ServiceOutcome, now: Date) {
  const changed = await tx.planService.updateMany({
    where: { id: service.id, state: service.state },
    data: {
      state: outcome.to,
      rule: outcome.rule,
      note: outcome.note,
      ...(outcome.runId ? { runId: outcome.runId, startedAt: now } : { finishedAt: now }),
    },
  });
  if (changed.count === 0) throw new MovedMeanwhile(`${service.serviceId} in plan ${plan.id} is no longer ${service.state}`);
  await appendAuditEvent(tx, {
    actor: PLAN_ENGINE,
    action: "plan.service",
    target: { type: "plan", id: plan.id },
    serviceId: service.serviceId,
    runId: outcome.runId ?? service.runId,
    outcome: outcome.to === "failed" || outcome.to === "skipped" || outcome.to === "cancelled" ? "failure" : "success",
    reason: outcome.note,
    before: { state: service.state },
    after: { state: outcome.to },
    details: { rule: outcome.rule, plan: plan.id },
  });
}

const confirmation = (email: string, plan: Plan) =>
  `confirmed by ${email}, who started plan ${plan.id} (${plan.mode} out of ${plan.regionId}) after its dry run: ${plan.reason}`;

/**
 * A service's turn: what it has in the region now decides whether there is
 * anything to move; if there is, its run starts in the plan owner's name
 * with the plan's row claimed in the run's own transaction, and, in a plan
 * drill, the child's drill recorded there too (the drill loop runs its
 * canary, switches it back if asked and writes its report).
 */
async function startService(plan: StoredPlan, service: PlanService, lease: HeldLease, now: Date) {
  const refuse = (rule: string, to: PlanServiceState, note: string) =>
    db().$transaction(async (tx) => {
      await assertLeaseHeld(tx, lease);
      await claimPlan(tx, plan);
      await writeServiceOutcome(tx, plan, service, { to, rule, note }, now);
    });
  const owner = await planOwner(plan.startedById);
  if (typeof owner === "string") return refuse("service-cannot-start", "failed", owner);
  let evacuation: ServiceEvacuation | undefined;
  try {
    const plannedTargets = new Map([[service.serviceId, service.plannedTarget]]);
    evacuation = (await evacuationsNow({ regionId: plan.regionId, mode: plan.mode, reason: plan.reason, serviceIds: [service.serviceId], plannedTargets }, now)).get(service.serviceId);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return refuse("service-cannot-start", "failed", error.message);
  }
  if (!evacuation) return refuse("service-cannot-start", "failed", `${service.serviceId} was retired`);
  if (!evacuation.inRegion) return refuse("service-has-nothing-to-move", "not_needed", `its primary ${evacuation.primary ?? "(none)"} is in ${evacuation.primaryRegionId ?? "no region"}`);
  if (evacuation.blockers.length) return refuse("service-cannot-start", "failed", evacuation.blockers.join("; "));
  try {
    await createRun(
      evacuation.runbookId,
      evacuation.params,
      { type: "user", actor: owner },
      {
        planId: plan.id,
        confirmedInAdvance: confirmation(owner.email, plan),
        alongside: async (tx, runId) => {
          await assertLeaseHeld(tx, lease);
          await claimPlan(tx, plan);
          const changed = service.plannedTarget && service.plannedTarget !== evacuation.target ? ` instead of ${service.plannedTarget}, which may no longer be promoted` : "";
          await writeServiceOutcome(tx, plan, service, { to: "running", rule: "service-started", note: `${evacuation.runbookId} to ${evacuation.target} (${evacuation.targetRegionId})${changed}`, runId }, now);
          if (plan.drillSwitchBack === null) return;
          await recordDrill(
            tx,
            {
              serviceId: service.serviceId,
              runbookId: evacuation.runbookId,
              params: evacuation.params,
              switchBack: plan.drillSwitchBack,
              status: "running",
              originalRegionId: evacuation.primaryRegionId,
              runId,
              planId: plan.id,
              startedById: owner.userId,
              reason: plan.reason,
            },
            auditActorOf(owner),
          );
        },
      },
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await refuse("service-cannot-start", "failed", error.message);
  }
}

async function applyMove(plan: StoredPlan, move: PlanMove, lease: HeldLease, now: Date) {
  if (move.kind === "finish") {
    await db().$transaction(async (tx) => {
      await assertLeaseHeld(tx, lease);
      const changed = await tx.plan.updateMany({ where: { id: plan.id, status: "running" }, data: { status: move.to, error: move.error, finishedAt: now } });
      if (changed.count === 0) throw new MovedMeanwhile(`plan ${plan.id} is no longer running`);
      await appendAuditEvent(tx, {
        actor: PLAN_ENGINE,
        action: "plan.finish",
        target: { type: "plan", id: plan.id },
        outcome: move.to === "succeeded" ? "success" : "failure",
        reason: move.error,
        after: { status: move.to },
        details: { rule: move.rule },
      });
    });
    return;
  }
  const service = plan.services.find((candidate) => candidate.serviceId === move.serviceId)!;
  if (move.rule === "service-started") return startService(plan, service, lease, now);
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    await writeServiceOutcome(tx, plan, service, { to: move.to, rule: move.rule, note: move.reason }, now);
  });
}

/** One pass over a plan: its moves as core/plans/plan-machine decides them, in order; a lost race leaves the rest to the next tick. */
async function movePlan(planId: string, lease: HeldLease, now: Date) {
  const plan = await loadPlan(planId);
  if (!plan) return;
  for (const move of nextPlanMoves(planRowOf(plan))) {
    try {
      await applyMove(plan, move, lease, now);
    } catch (error) {
      if (error instanceof MovedMeanwhile) return;
      throw error;
    }
  }
}

/**
 * A scheduled plan's time has come: it starts only if, for every service it
 * covers, a scheduled run of that service would (core/schedules: not too
 * late, its owner still allowed, the window it requires in force, no other
 * run active, its pre-checks passing); otherwise it ends failed, saying
 * which service and why, and an alert reports it on each service.
 */
async function startScheduledPlan(planId: string, lease: HeldLease, now: Date) {
  const plan = await loadPlan(planId);
  if (!plan || plan.status !== "scheduled") return;
  const refusal = await scheduledRefusal(plan, now);
  const reason = refusal ? `${refusal.serviceId}: ${refusal.decision.reason}` : null;
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    const changed = await tx.plan.updateMany({
      where: { id: plan.id, status: "scheduled" },
      data: reason ? { status: "failed", error: `not started at its time: ${reason}`, finishedAt: now } : { status: "running", startedAt: now },
    });
    if (changed.count === 0) return;
    if (reason) await tx.planService.updateMany({ where: { planId: plan.id, state: "pending" }, data: { state: "cancelled", rule: "scheduled-plan-refused", note: reason, finishedAt: now } });
    await appendAuditEvent(tx, {
      actor: PLAN_ENGINE,
      action: reason ? "plan.finish" : "plan.start",
      target: { type: "plan", id: plan.id },
      outcome: reason ? "failure" : "success",
      reason,
      after: { status: reason ? "failed" : "running" },
      details: { rule: reason ? "scheduled-plan-refused" : "scheduled-plan-started", due: refusal?.decision.rule ?? "start-when-due", scheduledAt: plan.scheduledAt?.toISOString() ?? null },
    });
  });
}

/** The first service whose scheduled start the due rules refuse, with their decision; null when every one may start. */
async function scheduledRefusal(plan: StoredPlan, now: Date): Promise<{ serviceId: string; decision: DueDecision } | null> {
  const serviceIds = plan.services.map((service) => service.serviceId);
  const owner = await planOwner(plan.startedById);
  const [policies, active] = await Promise.all([
    effectivePolicies(serviceIds),
    db().run.findMany({ where: { activeForServiceId: { in: serviceIds } }, select: { id: true, runbookId: true, serviceId: true } }),
  ]);
  let evacuations: Map<string, ServiceEvacuation>;
  try {
    const plannedTargets = new Map(plan.services.map((service) => [service.serviceId, service.plannedTarget]));
    evacuations = await evacuationsNow({ regionId: plan.regionId, mode: plan.mode, reason: plan.reason, serviceIds, plannedTargets }, now);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { serviceId: serviceIds[0]!, decision: { rule: "pre-checks-fail", action: "refuse", reason: error.message } };
  }
  for (const serviceId of serviceIds) {
    const evacuation = evacuations.get(serviceId);
    const activeRun = active.find((run) => run.serviceId === serviceId);
    const decision = decideDue({
      now,
      scheduledAt: plan.scheduledAt ?? now,
      inMaintenanceWindow: plan.inMaintenanceWindow,
      windows: policies.get(serviceId)?.document.maintenanceWindows ?? [],
      personRefused: typeof owner === "string" ? owner : null,
      // A plan runs the runbook as it is when each service's turn comes, as its dry run showed.
      definitionChanged: null,
      activeRun: activeRun ? `${activeRun.runbookId}, ${activeRun.id}` : null,
      blockers: !evacuation ? [`${serviceId} was retired`] : evacuation.inRegion ? evacuation.blockers : [],
    });
    if (decision.action === "refuse") return { serviceId, decision };
  }
  return null;
}

/**
 * Every plan the engine has something to do for: running ones, scheduled
 * ones whose time has come, and ended or paused ones whose runs are still
 * under way (their ends are recorded on the plan).
 */
export async function movePlans(lease: HeldLease, log: (line: string) => void, now = new Date()): Promise<number> {
  const plans = await db().plan.findMany({
    where: { OR: [{ status: "running" }, { status: "scheduled", scheduledAt: { lte: now } }, { services: { some: { state: "running" } } }] },
    select: { id: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  for (const plan of plans) {
    try {
      if (plan.status === "scheduled") await startScheduledPlan(plan.id, lease, now);
      else await movePlan(plan.id, lease, now);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      log(`plan ${plan.id}: ${(error as Error).message}`);
    }
  }
  return plans.length;
}
