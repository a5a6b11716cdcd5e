import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { automationAcknowledgementSchema, automationPauseListSchema, automationPauseSchema } from "@/contracts/automation";
import { apiRequest } from "../api-client";
import { fleetQueries } from "./fleet";

export const automationQueries = {
  all: () => ["automation"] as const,
  pauses: () =>
    queryOptions({
      queryKey: [...automationQueries.all(), "pauses"] as const,
      queryFn: ({ signal }) => apiRequest("GET", "/api/v1/automation/pauses", automationPauseListSchema, { signal }),
      // Another operator's pause shows within 5 s; TanStack pauses this in background tabs.
      refetchInterval: 5_000,
    }),
};

/** `global`, or the id of the one service to pause. */
export function pauseAutomationRequest(scope: string, reason: string, expiresAt: Date) {
  return apiRequest("POST", "/api/v1/automation/pauses", automationPauseSchema, { body: { scope, reason, expiresAt: expiresAt.toISOString() } });
}

export function endPauseRequest(pauseId: string) {
  return apiRequest("POST", `/api/v1/automation/pauses/${encodeURIComponent(pauseId)}/end`, automationPauseSchema);
}

export function acknowledgeFailoverRequest(serviceId: string, note: string) {
  return apiRequest("POST", `/api/v1/services/${encodeURIComponent(serviceId)}/automation/acknowledge`, automationAcknowledgementSchema, { body: { note } });
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
