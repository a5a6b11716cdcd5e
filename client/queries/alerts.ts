import { queryOptions } from "@tanstack/react-query";
import { alertListSchema, alertSchema, type AlertView } from "@/contracts/alerts";
import { apiRequest } from "../api-client";

export interface AlertFilters {
  state?: AlertView["state"][];
  serviceId?: string;
  ruleId?: AlertView["ruleId"];
}

/** The query string of the API's alert list, which is also the alerts page's. */
export function alertSearch(filters: AlertFilters): string {
  const params = new URLSearchParams();
  if (filters.state?.length) params.set("state", filters.state.join(","));
  if (filters.serviceId) params.set("serviceId", filters.serviceId);
  if (filters.ruleId) params.set("ruleId", filters.ruleId);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Under ["alerts"], so acknowledging can refresh every alert view at once. */
export const alertQueries = {
  all: () => ["alerts"] as const,
  list: (filters: AlertFilters) =>
    queryOptions({
      queryKey: [...alertQueries.all(), "list", filters] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/alerts${alertSearch(filters)}`, alertListSchema, { signal }),
      // Pending turns firing within a second of its window; TanStack pauses this in background tabs.
      refetchInterval: 2_000,
    }),
};

export function acknowledgeAlertRequest(alertId: string, note: string) {
  return apiRequest("POST", `/api/v1/alerts/${encodeURIComponent(alertId)}/acknowledge`, alertSchema, { body: { note } });
}
