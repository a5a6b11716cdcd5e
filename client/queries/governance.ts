import { queryOptions } from "@tanstack/react-query";
import { changeRequestListSchema, changeRequestPreviewSchema, changeRequestSchema, type ChangeRequestSummary } from "@/contracts/change-requests";
import { policyListSchema, policyVersionListSchema, policyVersionSchema } from "@/contracts/policies";
import { apiRequest } from "../api-client";

const path = (segment: string) => encodeURIComponent(segment);

export const governanceQueries = {
  all: () => ["governance"] as const,
  policies: () =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "policies"] as const,
      queryFn: ({ signal }) => apiRequest("GET", "/api/v1/policies", policyListSchema, { signal }),
      refetchInterval: 10_000,
    }),
  versions: (policyRef: string) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "policies", policyRef, "versions"] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/policies/${path(policyRef)}/versions`, policyVersionListSchema, { signal }),
    }),
  changeRequests: (filter: { status?: ChangeRequestSummary["status"] } = {}) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "change-requests", "list", filter] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/change-requests${filter.status ? `?status=${filter.status}` : ""}`, changeRequestListSchema, { signal }),
      refetchInterval: 5_000,
    }),
  changeRequest: (id: string) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "change-requests", "detail", id] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/change-requests/${path(id)}`, changeRequestSchema, { signal }),
      refetchInterval: (query) => (query.state.data?.status === "open" ? 5_000 : false),
    }),
};

export interface Proposal {
  serviceId: string | null;
  document: unknown;
  reason: string;
}

export const previewProposal = (proposal: Proposal) => apiRequest("POST", "/api/v1/change-requests/preview", changeRequestPreviewSchema, { body: proposal });
export const submitProposal = (proposal: Proposal) => apiRequest("POST", "/api/v1/change-requests", changeRequestSchema, { body: proposal });

export function decideChangeRequest(id: string, decision: "approve" | "reject", text: string) {
  const body = decision === "reject" ? { reason: text } : text ? { comment: text } : {};
  return apiRequest("POST", `/api/v1/change-requests/${path(id)}/${decision}`, changeRequestSchema, { body });
}

export const rebaseChangeRequest = (id: string) => apiRequest("POST", `/api/v1/change-requests/${path(id)}/rebase`, changeRequestSchema);

export const applyEmergencyChange = (policyRef: string, document: unknown, reason: string) =>
  apiRequest("POST", `/api/v1/policies/${path(policyRef)}/emergency`, policyVersionSchema, { body: { document, reason } });

export const reviewEmergencyChange = (versionId: string, note: string) =>
  apiRequest("POST", `/api/v1/policies/versions/${path(versionId)}/review`, policyVersionSchema, { body: { note } });

/** Parses the editor's text; a syntax error names where it is. */
export function parseDocumentText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `document: not valid JSON (${error instanceof Error ? error.message : "unparseable"})` };
  }
}
