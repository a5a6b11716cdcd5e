import type { DiscoverRequest } from "@/contracts/discovery";
import type { ApprovalChoice } from "@/core/topology/plan-topology";
import { api } from "../api-client";

export const discoverTopology = (request: Pick<DiscoverRequest, "primaryUrl" | "standbyUrls"> & Partial<Pick<DiscoverRequest, "serviceId" | "name">>) =>
  api.call("discoverTopology", { body: request });

// A document is whatever the person typed or uploaded: the operation's schema checks it before sending.
export const planTopology = (document: unknown, approval: ApprovalChoice) => api.callUntyped("planTopology", { body: { document, approval } });

export const applyTopology = (document: unknown, reason: string, approval: ApprovalChoice) => api.callUntyped("applyTopology", { body: { document, reason, approval } });

/** Where the live topology downloads from as the YAML `switchyard export` writes (the operation's default format). */
export const exportHref = () => api.href("exportTopology");

/** The live topology as the YAML `switchyard export` writes (the API answers YAML, not JSON, here). */
export const exportTopologyYaml = (signal?: AbortSignal) => api.text("exportTopology", "application/yaml", { signal });

/** Retires a service (a change request once it has had agents) or a region (directly): the answer says which. */
export const retireEntity = (kind: "service" | "region", id: string, reason: string) =>
  api.call(kind === "service" ? "retireService" : "retireRegion", { params: { id }, body: { reason } });
