import type { PlanRow } from "@/core/plans/plan-machine";
import type { Plan, PlanService } from "../db/generated/client";

/** A stored plan and its services (with their runs' statuses) as the plan machine reads them. */
export function planRowOf(plan: Plan & { services: (PlanService & { run: { status: string } | null })[] }): PlanRow {
  return {
    status: plan.status,
    concurrency: plan.concurrency,
    failurePolicy: plan.failurePolicy,
    services: plan.services.map((service) => ({ serviceId: service.serviceId, state: service.state, runStatus: service.run?.status ?? null })),
    dependsOn: Object.fromEntries(plan.services.map((service) => [service.serviceId, service.dependsOn])),
  };
}
