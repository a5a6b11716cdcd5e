import { queryOptions } from "@tanstack/react-query";
import { api, ApiInputError } from "../api-client";

/**
 * The trail does not change under a reviewer's eyes in a way that matters
 * second to second, and every distinct read is audited: pages are fetched
 * when the filters or the page change, not polled.
 */
export const auditQueries = {
  all: () => ["audit"] as const,
  /** `search` is the audit page's own query string, which is the API's. */
  page: (search: string) =>
    queryOptions({
      queryKey: [...auditQueries.all(), "events", search] as const,
      queryFn: ({ signal }) => api.call("listAuditEvents", { query: Object.fromEntries(new URLSearchParams(search)), signal }),
      staleTime: 60_000,
      refetchOnWindowFocus: false,
    }),
};

export function verifyAuditRequest(checkpoint?: { seq: number; hash: string; at?: string }) {
  return api.call("verifyAudit", { query: checkpoint ? { checkpointSeq: String(checkpoint.seq), checkpointHash: checkpoint.hash, checkpointAt: checkpoint.at } : {} });
}

export const auditCheckpointRequest = () => api.call("auditCheckpoint");

/** Where the filtered trail downloads from (the browser saves the file itself); none while a filter is invalid, which the page already says. */
export function auditExportHref(format: "csv" | "jsonl", filters: URLSearchParams): string | undefined {
  try {
    return api.href("exportAuditEvents", { query: { ...Object.fromEntries(filters), format } });
  } catch (error) {
    if (error instanceof ApiInputError) return undefined;
    throw error;
  }
}
