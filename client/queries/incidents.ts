import { queryOptions } from "@tanstack/react-query";
import type { IncidentStatus } from "@/core/incidents/incident-status";
import { api } from "../api-client";

export const incidentQueries = {
  all: () => ["incidents"] as const,
  list: (filters: { serviceId?: string; open?: "true" | "false" }) =>
    queryOptions({
      queryKey: [...incidentQueries.all(), "list", filters] as const,
      queryFn: ({ signal }) => api.call("listIncidents", { query: { serviceId: filters.serviceId || undefined, open: filters.open }, signal }),
      refetchInterval: 5_000,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...incidentQueries.all(), "detail", id] as const,
      queryFn: ({ signal }) => api.call("getIncident", { params: { id }, signal }),
      // Live while open: the timeline grows as alerts, decisions and steps are recorded.
      refetchInterval: (query) => (query.state.data?.status === "resolved" ? false : 2_000),
    }),
  review: (id: string) =>
    queryOptions({
      queryKey: [...incidentQueries.all(), "review", id] as const,
      queryFn: ({ signal }) => api.call("getIncidentReview", { params: { id }, query: {}, signal }),
      retry: false,
    }),
};

export const postIncidentStatus = (id: string, status: IncidentStatus, note: string, post: { publicNote?: string; publicTitle?: string } = {}) =>
  api.call("updateIncidentStatus", { params: { id }, body: { status, note, ...post } });
export const changeIncidentRoles = (id: string, body: { commander?: string | null; addResponders?: string[]; removeResponders?: string[] }) =>
  api.call("changeIncidentRoles", { params: { id }, body });
export const declareIncident = (serviceIds: string[], title: string, note: string) => api.call("declareIncident", { body: { serviceIds, title, note } });
export const draftIncidentReview = (id: string) => api.call("draftIncidentReview", { params: { id } });
export const saveIncidentReview = (id: string, markdown: string, baseVersion: number) => api.call("saveIncidentReview", { params: { id }, body: { markdown, baseVersion } });
export const reviewExportHref = (id: string, format: "md" | "pdf", version: number) => api.href("exportIncidentReview", { params: { id }, query: { format, version: String(version) } });
