import { queryOptions } from "@tanstack/react-query";
import { api } from "../api-client";

// A new report shows within 2 s. TanStack skips interval refetches while the
// tab is hidden (refetchIntervalInBackground false): that is the back-off.
const LIVE_MS = 2_000;

/** Keys go from general to specific, so invalidating ["fleet"] refreshes every fleet view. */
export const fleetQueries = {
  all: () => ["fleet"] as const,
  overview: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), "overview"] as const,
      queryFn: ({ signal }) => api.call("fleetOverview", { signal }),
      refetchInterval: LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  services: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), "services"] as const,
      queryFn: ({ signal }) => api.call("listServices", { signal }),
      refetchInterval: LIVE_MS,
      refetchIntervalInBackground: false,
    }),
  regions: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), "regions", "states"] as const,
      queryFn: ({ signal }) => api.call("listRegions", { signal }),
    }),
  regionMatrix: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), "regions", "matrix"] as const,
      queryFn: ({ signal }) => api.call("regionMatrix", { signal }),
      refetchInterval: LIVE_MS,
      refetchIntervalInBackground: false,
    }),
};
