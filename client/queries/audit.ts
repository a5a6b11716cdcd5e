import { queryOptions } from "@tanstack/react-query";
import { auditCheckpointSchema, auditEventPageSchema } from "@/contracts/audit-query";
import { auditVerificationSchema } from "@/contracts/audit";
import { apiRequest } from "../api-client";

/**
 * The trail does not change under a reviewer's eyes in a way that matters
 * second to second, and every distinct read is audited: pages are fetched
 * when the filters or the page change, not polled.
 */
export const auditQueries = {
  all: () => ["audit"] as const,
  page: (search: string) =>
    queryOptions({
      queryKey: [...auditQueries.all(), "events", search] as const,
      queryFn: ({ signal }) => apiRequest("GET", `/api/v1/audit${search ? `?${search}` : ""}`, auditEventPageSchema, { signal }),
      staleTime: 60_000,
      refetchOnWindowFocus: false,
    }),
};

export function verifyAuditRequest(checkpoint?: { seq: number; hash: string; at?: string }) {
  const query = checkpoint
    ? `?${new URLSearchParams({ checkpointSeq: String(checkpoint.seq), checkpointHash: checkpoint.hash, ...(checkpoint.at ? { checkpointAt: checkpoint.at } : {}) })}`
    : "";
  return apiRequest("GET", `/api/v1/audit/verify${query}`, auditVerificationSchema);
}

export function auditCheckpointRequest() {
  return apiRequest("GET", "/api/v1/audit/checkpoint", auditCheckpointSchema);
}
