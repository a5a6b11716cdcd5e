import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { api } from "../api-client";
import { fleetQueries } from "./fleet";

export const automationQueries = {
  all: () => ["automation"] as const,
  pauses: () =>
    queryOptions({
      queryKey: [...automationQueries.all(), "pauses"] as const,
      queryFn: ({ signal }) => api.call("listAutomationPauses", { signal }),
      // Another operator's pause shows within 5 s; TanStack pauses this in background tabs.
      refetchInterval: 5_000,
    }),
};

/** `global`, or the id of the one service to pause. */
export function pauseAutomationRequest(scope: string, reason: string, expiresAt: Date) {
  return api.call("createAutomationPause", { body: { scope, reason, expiresAt: expiresAt.toISOString() } });
}

export function endPauseRequest(pauseId: string) {
  return api.call("endAutomationPause", { params: { id: pauseId } });
}

export function acknowledgeFailoverRequest(serviceId: string, note: string) {
  return api.call("acknowledgeFailover", { params: { id: serviceId }, body: { note } });
}

/**
 * A pause, a resume or an acknowledgement changes the pauses list, the fleet's
 * automation column and every service's automation card (all under ["fleet"]).
 */
export function refreshAutomation(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: automationQueries.all() }),
    queryClient.invalidateQueries({ queryKey: fleetQueries.all() }),
  ]);
}
