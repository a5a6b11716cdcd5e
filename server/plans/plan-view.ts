import "server-only";
import { planDrillResult } from "@/core/plans/plan-drill";
import { pendingReason, PLAN_SERVICE_TRANSITIONS, PLAN_START_OUTCOMES, PLAN_TRANSITIONS } from "@/core/plans/plan-machine";
import { planOrderSchema, type PlanListView, type PlanView } from "@/contracts/plans";
import { db } from "../db/client";
import type { Plan } from "../db/generated/client";
import { approvalViewOf } from "../drills/drill-approvals";
import { NotFoundError } from "../errors";
import { runContextOf } from "../runs/stored-run";
import { planRowOf } from "./plan-row";

const SENTENCES = new Map<string, string>([...PLAN_SERVICE_TRANSITIONS, ...PLAN_START_OUTCOMES, ...PLAN_TRANSITIONS].map((row) => [row.id, row.sentence]));
const NOT_STARTED = "The plan has not started.";

const iso = (date: Date | null) => date?.toISOString() ?? null;

const WITH_RUNS = {
  startedBy: { select: { email: true } },
  services: {
    orderBy: { index: "asc" as const },
    include: { run: { select: { id: true, runbookId: true, status: true, error: true, context: true, steps: { select: { title: true, state: true, phase: true, index: true }, orderBy: [{ phase: "asc" as const }, { index: "asc" as const }] } } } },
  },
};

type PlanRecord = Plan & { startedBy: { email: string } };

function planHeader(plan: PlanRecord): Omit<PlanView, "services" | "drill"> {
  return {
    id: plan.id,
    regionId: plan.regionId,
    mode: plan.mode,
    status: plan.status,
    concurrency: plan.concurrency,
    failurePolicy: plan.failurePolicy,
    reason: plan.reason,
    order: planOrderSchema.parse(plan.order),
    scheduledAt: iso(plan.scheduledAt),
    inMaintenanceWindow: plan.inMaintenanceWindow,
    startedBy: plan.startedBy.email,
    error: plan.error,
    createdAt: plan.createdAt.toISOString(),
    startedAt: iso(plan.startedAt),
    finishedAt: iso(plan.finishedAt),
  };
}

/** A plan as its page and the API show it: every service's state with its rule's sentence, and its run's progress. */
export async function planView(planId: string): Promise<PlanView> {
  const plan = await db().plan.findUnique({ where: { id: planId }, include: WITH_RUNS });
  if (!plan) throw new NotFoundError(`No plan with id ${planId}.`);
  const targetIds = plan.services.flatMap((service) => (service.run ? [runContextOf(service.run.context).targetId] : [])).filter((id): id is string => id !== null);
  const replicas = new Map((await db().replica.findMany({ where: { id: { in: targetIds } }, select: { id: true, name: true } })).map((replica) => [replica.id, replica.name]));
  const row = planRowOf(plan);
  const drills = new Map((await db().drill.findMany({ where: { planId }, include: { report: { select: { passed: true, observedRtoMs: true, lostWrites: true } } } })).map((drill) => [drill.serviceId, drill]));
  const drillOf = (serviceId: string) => {
    const drill = drills.get(serviceId);
    return drill ? { id: drill.id, status: drill.status, passed: drill.report?.passed ?? null, observedRtoMs: drill.report?.observedRtoMs ?? null, lostWrites: drill.report?.lostWrites ?? null } : null;
  };
  const result = planDrillResult({ status: plan.status, children: plan.services.map((service) => ({ serviceId: service.serviceId, state: service.state, drillStatus: drills.get(service.serviceId)?.status ?? null })) });
  return {
    ...planHeader(plan),
    drill:
      plan.drillSwitchBack === null
        ? null
        : {
            switchBack: plan.drillSwitchBack,
            result: result.result,
            rule: result.id,
            sentence: result.sentence,
            approval: await approvalViewOf(await db().drillApproval.findUnique({ where: { planId } })),
          },
    services: plan.services.map((service) => {
      const rule = service.state === "pending" ? (plan.status === "running" || plan.status === "paused" ? pendingReason(row, service.serviceId) : null) : service.rule;
      const { run } = service;
      const current = run?.steps.find((step) => step.state === "running" || step.state === "waiting") ?? run?.steps.find((step) => step.state === "pending");
      const targetId = run ? runContextOf(run.context).targetId : null;
      return {
        serviceId: service.serviceId,
        state: service.state,
        rule,
        sentence: (rule && SENTENCES.get(rule)) ?? NOT_STARTED,
        note: service.note,
        dependsOn: service.dependsOn,
        plannedTarget: service.plannedTarget,
        run: run ? { id: run.id, runbookId: run.runbookId, status: run.status, target: targetId ? (replicas.get(targetId) ?? null) : null, currentStep: current?.title ?? null, error: run.error } : null,
        startedAt: iso(service.startedAt),
        finishedAt: iso(service.finishedAt),
        drill: drillOf(service.serviceId),
      };
    }),
  };
}

/** Plans, newest first, each with how many of its services are in each state. */
export async function listPlans(limit: number): Promise<PlanListView> {
  const plans = await db().plan.findMany({ orderBy: { createdAt: "desc" }, take: limit, include: { startedBy: { select: { email: true } }, services: { select: { state: true } } } });
  return {
    plans: plans.map((plan) => ({
      ...planHeader(plan),
      drill: plan.drillSwitchBack !== null,
      counts: plan.services.reduce<Record<string, number>>((counts, service) => ({ ...counts, [service.state]: (counts[service.state] ?? 0) + 1 }), {}),
    })),
  };
}
