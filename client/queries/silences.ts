import { queryOptions, type QueryClient } from "@tanstack/react-query";
import type { CreateSilenceRequest } from "@/contracts/silences";
import { api } from "../api-client";
import { alertQueries } from "./alerts";

export const silenceQueries = {
  all: () => ["silences"] as const,
  list: () =>
    queryOptions({
      queryKey: [...silenceQueries.all(), "list"] as const,
      queryFn: ({ signal }) => api.call("listSilences", { signal }),
      // Which alerts a silence mutes changes with the alerts; TanStack pauses this in background tabs.
      refetchInterval: 5_000,
    }),
};

export function createSilenceRequest(body: CreateSilenceRequest) {
  return api.call("createSilence", { body });
}

export function expireSilenceRequest(silenceId: string) {
  return api.call("expireSilence", { params: { id: silenceId } });
}

/** A silence created or expired changes the silences and what every alert says mutes it. */
export function refreshSilences(queryClient: QueryClient) {
  return Promise.all([queryClient.invalidateQueries({ queryKey: silenceQueries.all() }), queryClient.invalidateQueries({ queryKey: alertQueries.all() })]);
}
