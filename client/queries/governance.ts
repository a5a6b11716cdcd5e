import { queryOptions } from "@tanstack/react-query";
import type { ChangeRequestSummary } from "@/contracts/change-requests";
import { api } from "../api-client";

export const governanceQueries = {
  all: () => ["governance"] as const,
  policies: () =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "policies"] as const,
      queryFn: ({ signal }) => api.call("listPolicies", { signal }),
      refetchInterval: 10_000,
    }),
  versions: (policyRef: string) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "policies", policyRef, "versions"] as const,
      queryFn: ({ signal }) => api.call("listPolicyVersions", { params: { id: policyRef }, signal }),
    }),
  changeRequests: (filter: { status?: ChangeRequestSummary["status"] } = {}) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "change-requests", "list", filter] as const,
      queryFn: ({ signal }) => api.call("listChangeRequests", { query: { status: filter.status }, signal }),
      refetchInterval: 5_000,
    }),
  changeRequest: (id: string) =>
    queryOptions({
      queryKey: [...governanceQueries.all(), "change-requests", "detail", id] as const,
      queryFn: ({ signal }) => api.call("getChangeRequest", { params: { id }, signal }),
      refetchInterval: (query) => (query.state.data?.status === "open" ? 5_000 : false),
    }),
};

/** As the editor holds it: the document is whatever the person typed, which the operation's schema checks before sending. */
export interface Proposal {
  serviceId: string | null;
  document: unknown;
  reason: string;
}

export const previewProposal = (proposal: Proposal) => api.callUntyped("previewChangeRequest", { body: proposal });
export const submitProposal = (proposal: Proposal) => api.callUntyped("createChangeRequest", { body: proposal });

export function decideChangeRequest(id: string, decision: "approve" | "reject", text: string) {
  return decision === "reject"
    ? api.call("rejectChangeRequest", { params: { id }, body: { reason: text } })
    : api.call("approveChangeRequest", { params: { id }, body: text ? { comment: text } : {} });
}

export const rebaseChangeRequest = (id: string) => api.call("rebaseChangeRequest", { params: { id } });

export const applyEmergencyChange = (policyRef: string, document: unknown, reason: string) =>
  api.callUntyped("applyEmergencyChange", { params: { id: policyRef }, body: { document, reason } });

export const reviewEmergencyChange = (versionId: string, note: string) =>
  api.call("reviewEmergencyChange", { params: { id: versionId }, body: { note } });
