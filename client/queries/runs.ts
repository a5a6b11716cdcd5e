import { queryOptions } from "@tanstack/react-query";
import { api } from "../api-client";

// A scheduled run is watched too: it starts (or is refused) on its own.
const LIVE = new Set(["pending", "scheduled", "running", "waiting", "paused", "compensating"]);

export const runQueries = {
  all: () => ["runs"] as const,
  list: (serviceId?: string) =>
    queryOptions({
      queryKey: [...runQueries.all(), "list", { serviceId }] as const,
      queryFn: ({ signal }) => api.call("listRuns", { query: { serviceId: serviceId || undefined }, signal }),
      refetchInterval: 5_000,
    }),
  detail: (runId: string) =>
    queryOptions({
      queryKey: [...runQueries.all(), "detail", runId] as const,
      queryFn: ({ signal }) => api.call("getRun", { params: { id: runId }, signal }),
      // Live while the run is active (≤ 1 s behind); TanStack pauses this in background tabs.
      refetchInterval: (query) => (query.state.data && !LIVE.has(query.state.data.status) ? false : 1_000),
    }),
};

const STEP_DECISIONS = { confirm: "confirmStep", approve: "approveStep", reject: "rejectStep" } as const;
const RUN_CONTROLS = { pause: "pauseRun", resume: "resumeRun", abort: "abortRun", cancel: "cancelRun" } as const;

export type RunControlName = keyof typeof RUN_CONTROLS;

/** Starts now, or with `schedule` at its time (inside a maintenance window only, if asked). */
export function startRunRequest(runbookId: string, params: Record<string, string>, schedule?: { scheduledAt: string; inMaintenanceWindow: boolean }) {
  return api.call("startRun", { params: { id: runbookId }, body: { params, ...schedule } });
}

export function stepDecision(runId: string, stepId: string, decision: "confirm" | "approve" | "reject", note: string) {
  return api.call(STEP_DECISIONS[decision], { params: { id: runId, stepId }, body: note ? { note } : {} });
}

export function runControl(runId: string, control: RunControlName, reason: string) {
  return api.call(RUN_CONTROLS[control], { params: { id: runId }, body: { reason } });
}
