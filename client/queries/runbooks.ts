import { queryOptions } from "@tanstack/react-query";
import { runbookListSchema, runPlanSchema } from "@/contracts/runbook-api";
import { apiRequest } from "../api-client";

export const runbookQueries = {
  all: () => ["runbooks"] as const,
  list: () =>
    queryOptions({
      queryKey: [...runbookQueries.all(), "list"] as const,
      queryFn: ({ signal }) => apiRequest("GET", "/api/v1/runbooks", runbookListSchema, { signal }),
    }),
};

export function requestPlan(runbookId: string, params: Record<string, string>) {
  return apiRequest("POST", `/api/v1/runbooks/${encodeURIComponent(runbookId)}/plan`, runPlanSchema, { body: { params } });
}
