import { queryOptions } from "@tanstack/react-query";
import type { LagRange } from "@/core/fleet/lag-range";
import { api } from "../api-client";
import { fleetQueries } from "./fleet";

// A new report shows within 2 s; TanStack stops interval refetches while the
// tab is hidden (refetchIntervalInBackground stays false), which is the back-off.
const LIVE_MS = 1_000;
const LAG_LIVE_MS = 2_000;
const AUTOMATION_LIVE_MS = 2_000;

/** Under ["fleet"], so invalidating the fleet refreshes a service's page too. */
export const serviceQueries = {
  all: (serviceId: string) => [...fleetQueries.all(), "service", serviceId] as const,
  detail: (serviceId: string) =>
    queryOptions({
      queryKey: serviceQueries.all(serviceId),
      queryFn: ({ signal }) => api.call("getService", { params: { id: serviceId }, signal }),
      refetchInterval: LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  lag: (serviceId: string, range: LagRange) =>
    queryOptions({
      queryKey: [...serviceQueries.all(serviceId), "lag", range] as const,
      queryFn: ({ signal }) => api.call("serviceLag", { params: { id: serviceId }, query: { range }, signal }),
      refetchInterval: LAG_LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  automation: (serviceId: string) =>
    queryOptions({
      queryKey: [...serviceQueries.all(serviceId), "automation"] as const,
      queryFn: ({ signal }) => api.call("serviceAutomation", { params: { id: serviceId }, signal }),
      refetchInterval: AUTOMATION_LIVE_MS,
      refetchIntervalInBackground: false,
    }),
};
