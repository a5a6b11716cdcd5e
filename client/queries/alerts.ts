import { queryOptions } from "@tanstack/react-query";
import type { AlertView } from "@/contracts/alerts";
import { api } from "../api-client";
import { withQuery } from "../operation-path";

export interface AlertFilters {
  state?: AlertView["state"][];
  serviceId?: string;
  ruleId?: AlertView["ruleId"];
}

/** The API alert list's query, which is also the alerts page's. */
function alertQuery(filters: AlertFilters) {
  return { state: filters.state?.length ? filters.state.join(",") : undefined, serviceId: filters.serviceId || undefined, ruleId: filters.ruleId || undefined };
}

/** The alerts page's query string (`?state=firing`, or empty). */
export const alertSearch = (filters: AlertFilters): string => withQuery("", alertQuery(filters));

/** Under ["alerts"], so acknowledging can refresh every alert view at once. */
export const alertQueries = {
  all: () => ["alerts"] as const,
  list: (filters: AlertFilters) =>
    queryOptions({
      queryKey: [...alertQueries.all(), "list", filters] as const,
      queryFn: ({ signal }) => api.call("listAlerts", { query: alertQuery(filters), signal }),
      // Pending turns firing within a second of its window; TanStack pauses this in background tabs.
      refetchInterval: 2_000,
    }),
};

export function acknowledgeAlertRequest(alertId: string, note: string) {
  return api.call("acknowledgeAlert", { params: { id: alertId }, body: { note } });
}
