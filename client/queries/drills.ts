import { queryOptions } from "@tanstack/react-query";
import { ACTIVE_DRILL_STATUSES } from "@/contracts/drills";
import { api } from "../api-client";

const ACTIVE: ReadonlySet<string> = new Set(ACTIVE_DRILL_STATUSES);

export const drillQueries = {
  all: () => ["drills"] as const,
  list: (serviceId?: string) =>
    queryOptions({
      queryKey: [...drillQueries.all(), "list", { serviceId }] as const,
      queryFn: ({ signal }) => api.call("listDrills", { query: { serviceId: serviceId || undefined }, signal }),
      refetchInterval: 5_000,
    }),
  detail: (drillId: string) =>
    queryOptions({
      queryKey: [...drillQueries.all(), "detail", drillId] as const,
      queryFn: ({ signal }) => api.call("getDrill", { params: { id: drillId }, signal }),
      // Live while the drill is under way; still once its report is written.
      refetchInterval: (query) => (query.state.data && !ACTIVE.has(query.state.data.status) ? false : 1_000),
    }),
  schedules: (serviceId?: string) =>
    queryOptions({
      queryKey: [...drillQueries.all(), "schedules", { serviceId }] as const,
      queryFn: ({ signal }) => api.call("listDrillSchedules", { query: { serviceId: serviceId || undefined }, signal }),
      refetchInterval: 30_000,
    }),
  history: (serviceId: string) =>
    queryOptions({
      queryKey: [...drillQueries.all(), "history", serviceId] as const,
      queryFn: ({ signal }) => api.call("recoveryHistory", { params: { id: serviceId }, signal }),
      refetchInterval: 10_000,
    }),
};

export function startDrillRequest(params: Record<string, string>, switchBack: boolean) {
  return api.call("startDrill", { body: { params, switchBack } });
}

/** A second person's decision on a drill awaiting approval. */
export function drillDecision(drillId: string, decision: "approve" | "reject", note: string) {
  return api.call(decision === "approve" ? "approveDrill" : "rejectDrill", { params: { id: drillId }, body: { note } });
}
