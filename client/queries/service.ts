import { queryOptions } from "@tanstack/react-query";
import type { LagRange } from "@/core/fleet/lag-range";
import { serviceAutomationSchema } from "@/contracts/automation";
import { serviceLagSchema } from "@/contracts/service-lag";
import { serviceDetailSchema } from "@/contracts/services";
import { apiRequest } from "../api-client";
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
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/services/${encodeURIComponent(serviceId)}`, serviceDetailSchema, { signal }),
      refetchInterval: LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  lag: (serviceId: string, range: LagRange) =>
    queryOptions({
      queryKey: [...serviceQueries.all(serviceId), "lag", range] as const,
      queryFn: ({ signal }) =>
        apiRequest("GET", `/api/v1/services/${encodeURIComponent(serviceId)}/lag?range=${range}`, serviceLagSchema, { signal }),
      refetchInterval: LAG_LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  automation: (serviceId: string) =>
    queryOptions({
      queryKey: [...serviceQueries.all(serviceId), "automation"] as const,
      queryFn: ({ signal }) =>
        apiRequest("GET", `/api/v1/services/${encodeURIComponent(serviceId)}/automation`, serviceAutomationSchema, { signal }),
      refetchInterval: AUTOMATION_LIVE_MS,
      refetchIntervalInBackground: false,
    }),
};
