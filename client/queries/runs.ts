import { queryOptions } from "@tanstack/react-query";
import { runListSchema, runSchema } from "@/contracts/runs";
import { apiRequest } from "../api-client";

const ACTIVE = new Set(["pending", "running", "waiting", "paused", "compensating"]);

export const runQueries = {
  all: () => ["runs"] as const,
  list: (serviceId?: string) =>
    queryOptions({
      queryKey: [...runQueries.all(), "list", { serviceId }] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/runs${serviceId ? `?serviceId=${encodeURIComponent(serviceId)}` : ""}`, runListSchema, { signal }),
      refetchInterval: 5_000,
    }),
  detail: (runId: string) =>
    queryOptions({
      queryKey: [...runQueries.all(), "detail", runId] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/runs/${encodeURIComponent(runId)}`, runSchema, { signal }),
      // Live while the run is active (≤ 1 s behind); TanStack pauses this in background tabs.
      refetchInterval: (query) => (query.state.data && !ACTIVE.has(query.state.data.status) ? false : 1_000),
    }),
};

export function startRunRequest(runbookId: string, params: Record<string, string>) {
  return apiRequest("POST", `/api/v1/runbooks/${encodeURIComponent(runbookId)}/runs`, runSchema, { body: { params } });
}

export function stepDecision(runId: string, stepId: string, decision: "confirm" | "approve" | "reject", note: string) {
  return apiRequest("POST", `/api/v1/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/${decision}`, runSchema, { body: note ? { note } : {} });
}

export function runControl(runId: string, control: "pause" | "resume" | "abort", reason: string) {
  return apiRequest("POST", `/api/v1/runs/${encodeURIComponent(runId)}/${control}`, runSchema, { body: { reason } });
}
