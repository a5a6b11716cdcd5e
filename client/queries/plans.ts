import { queryOptions } from "@tanstack/react-query";
import type { CreatePlanRequest } from "@/contracts/plans";
import { api } from "../api-client";

const ACTIVE = new Set(["scheduled", "awaiting_approval", "running", "paused"]);

export const planQueries = {
  all: () => ["plans"] as const,
  list: () =>
    queryOptions({
      queryKey: [...planQueries.all(), "list"] as const,
      queryFn: ({ signal }) => api.call("listPlans", { query: {}, signal }),
      refetchInterval: 5_000,
    }),
  detail: (planId: string) =>
    queryOptions({
      queryKey: [...planQueries.all(), "detail", planId] as const,
      queryFn: ({ signal }) => api.call("getPlan", { params: { id: planId }, signal }),
      // Live while the plan is active, a run it started is still under way, or (a plan drill) its result is pending.
      refetchInterval: (query) => {
        const plan = query.state.data;
        if (!plan) return 1_000;
        const live = ACTIVE.has(plan.status) || plan.services.some((service) => service.state === "running") || plan.drill?.result === "pending";
        return live ? 1_000 : false;
      },
    }),
};

const PLAN_CONTROLS = { pause: "pausePlan", resume: "resumePlan", abort: "abortPlan", cancel: "cancelPlan" } as const;
export type PlanControlName = keyof typeof PLAN_CONTROLS;

export function createPlanRequest(body: Partial<CreatePlanRequest> & Pick<CreatePlanRequest, "regionId" | "reason">) {
  return api.call("createPlan", { body });
}

export function planControl(planId: string, control: PlanControlName, reason: string) {
  return api.call(PLAN_CONTROLS[control], { params: { id: planId }, body: { reason } });
}

/** A second person's decision on a plan drill awaiting approval. */
export function planDecision(planId: string, decision: "approve" | "reject", note: string) {
  return api.call(decision === "approve" ? "approvePlan" : "rejectPlan", { params: { id: planId }, body: { note } });
}
