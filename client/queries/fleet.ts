import { queryOptions } from "@tanstack/react-query";
import { serviceListSchema } from "@/contracts/services";
import { apiRequest } from "../api-client";

/** Keys go from general to specific, so invalidating ["fleet"] refreshes every fleet view. */
export const fleetQueries = {
  all: () => ["fleet"] as const,
  services: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), "services"] as const,
      queryFn: ({ signal }) => apiRequest("GET", "/api/v1/services", serviceListSchema, { signal }),
      refetchInterval: 5_000,
    }),
};
