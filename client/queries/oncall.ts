import { queryOptions } from "@tanstack/react-query";
import { api } from "../api-client";

export const onCallQueries = {
  all: () => ["oncall"] as const,
  schedules: (days: number) =>
    queryOptions({
      queryKey: [...onCallQueries.all(), "schedules", { days }] as const,
      queryFn: ({ signal }) => api.call("listOnCallSchedules", { query: { days: String(days) }, signal }),
      refetchInterval: 30_000,
    }),
  policies: () =>
    queryOptions({
      queryKey: [...onCallQueries.all(), "policies"] as const,
      queryFn: ({ signal }) => api.call("listEscalationPolicies", { signal }),
      refetchInterval: 30_000,
    }),
  pagingContact: () =>
    queryOptions({
      queryKey: [...onCallQueries.all(), "paging-contact"] as const,
      queryFn: ({ signal }) => api.call("getPagingContact", { signal }),
    }),
  alertEscalation: (alertId: string) =>
    queryOptions({
      queryKey: [...onCallQueries.all(), "alert", alertId] as const,
      queryFn: ({ signal }) => api.call("alertEscalation", { params: { id: alertId }, signal }),
      refetchInterval: 5_000,
    }),
};
