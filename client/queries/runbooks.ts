import { queryOptions } from "@tanstack/react-query";
import { api } from "../api-client";

export const runbookQueries = {
  all: () => ["runbooks"] as const,
  list: () =>
    queryOptions({
      queryKey: [...runbookQueries.all(), "list"] as const,
      queryFn: ({ signal }) => api.call("listRunbooks", { signal }),
    }),
};

export function requestPlan(runbookId: string, params: Record<string, string>) {
  return api.call("planRunbook", { params: { id: runbookId }, body: { params } });
}
