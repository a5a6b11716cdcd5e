import { discoveryResultSchema, type DiscoverRequest } from "@/contracts/discovery";
import { apiErrorSchema } from "@/contracts/errors";
import { applyTopologyResultSchema, topologyPlanSchema } from "@/contracts/topology-api";
import type { ApprovalChoice } from "@/core/topology/plan-topology";
import { ApiClientError, apiRequest } from "../api-client";

export const discoverTopology = (request: Pick<DiscoverRequest, "primaryUrl" | "standbyUrls"> & Partial<Pick<DiscoverRequest, "serviceId" | "name">>) =>
  apiRequest("POST", "/api/v1/topology/discover", discoveryResultSchema, { body: request });

export const planTopology = (document: unknown, approval: ApprovalChoice) =>
  apiRequest("POST", "/api/v1/topology/plan", topologyPlanSchema, { body: { document, approval } });

export const applyTopology = (document: unknown, reason: string, approval: ApprovalChoice) =>
  apiRequest("POST", "/api/v1/topology/apply", applyTopologyResultSchema, { body: { document, reason, approval } });

export const EXPORT_PATH = "/api/v1/topology/export";

/** The live topology as the YAML `switchyard export` writes (the API answers YAML, not JSON, here). */
export async function exportTopologyYaml(signal?: AbortSignal): Promise<string> {
  const response = await fetch(EXPORT_PATH, { headers: { accept: "application/yaml" }, credentials: "same-origin", signal });
  if (response.ok) return response.text();
  const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
  if (parsed.success) throw new ApiClientError(response.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.field);
  throw new ApiClientError(response.status, "internal", `GET ${EXPORT_PATH} answered ${response.status}`);
}

/** Retires a service (a change request once it has had agents) or a region (directly): the answer says which. */
export const retireEntity = (kind: "service" | "region", id: string, reason: string) =>
  apiRequest("POST", `/api/v1/${kind === "service" ? "services" : "regions"}/${encodeURIComponent(id)}/retire`, applyTopologyResultSchema, { body: { reason } });
