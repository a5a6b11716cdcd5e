import { queryOptions } from "@tanstack/react-query";
import { api } from "../api-client";

const ACTIVE = new Set(["pending", "running", "waiting", "paused", "compensating"]);

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
      refetchInterval: (query) => (query.state.data && !ACTIVE.has(query.state.data.status) ? false : 1_000),
    }),
};

const STEP_DECISIONS = { confirm: "confirmStep", approve: "approveStep", reject: "rejectStep" } as const;
const RUN_CONTROLS = { pause: "pauseRun", resume: "resumeRun", abort: "abortRun" } as const;

export function startRunRequest(runbookId: string, params: Record<string, string>) {
  return api.call("startRun", { params: { id: runbookId }, body: { params } });
}

export function stepDecision(runId: string, stepId: string, decision: "confirm" | "approve" | "reject", note: string) {
  return api.call(STEP_DECISIONS[decision], { params: { id: runId, stepId }, body: note ? { note } : {} });
}

export function runControl(runId: string, control: "pause" | "resume" | "abort", reason: string) {
  return api.call(RUN_CONTROLS[control], { params: { id: runId }, body: { reason } });
}
