import { z } from "zod";
import { policyDocumentSchema } from "./policy";
import { topologyProposalSchema } from "./topology-api";

export const CHANGE_REQUEST_STATUSES = ["open", "applied", "rejected", "expired", "withdrawn"] as const;

export const policyChangeSchema = z
  .object({
    field: z.string(),
    kind: z.enum(["added", "removed", "changed"]),
    before: z.unknown(),
    after: z.unknown(),
    text: z.string().meta({ description: "`failover.maxLagBytes: 1 MiB → 64 MiB`" }),
  })
  .meta({ id: "PolicyChange" });

export const createChangeRequestSchema = z
  .strictObject({
    serviceId: z.string().min(1).max(64).nullable().default(null).meta({ description: "The service whose policy changes; null or absent for the global default" }),
    document: policyDocumentSchema,
    reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000),
    expiresInHours: z.int().min(1).max(720).default(72).meta({ description: "Deadline for the approvals; the request expires after it" }),
  })
  .meta({ id: "CreateChangeRequest" });

/** What a proposal would do, computed before (and when) it is submitted. */
export const changeRequestPreviewSchema = z
  .object({
    scope: z.string(),
    baseVersion: z.int(),
    diff: z.array(policyChangeSchema),
    consequences: z.array(z.string()),
    requiredApprovals: z.int(),
    safetyRelevantFields: z.array(z.string()),
    approvalsSentence: z.string(),
  })
  .meta({ id: "ChangeRequestPreview" });

export const approvalSchema = z
  .object({
    approver: z.string(),
    decision: z.enum(["approved", "rejected"]),
    comment: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Approval" });

export const changeRequestSummarySchema = z
  .object({
    id: z.string(),
    kind: z.enum(["policy", "topology"]).meta({ description: "A policy's document, or the topology of one scope (a service's datasets and replicas, or the regions)" }),
    scope: z.string().meta({ description: "The policy's scope (`global`, `service:<id>`), or the topology scope (`service:<id>`, `regions`)" }),
    serviceId: z.string().nullable(),
    policyId: z.string().nullable().meta({ description: "The policy a policy change edits; null for a topology change" }),
    status: z.enum(CHANGE_REQUEST_STATUSES).meta({ description: "An open request past its deadline reads as expired" }),
    reason: z.string(),
    requester: z.string(),
    requesterId: z.string(),
    baseVersion: z.int().meta({ description: "The policy version, or the topology scope's revision, the request was written against" }),
    currentVersion: z.int(),
    stale: z.boolean().meta({ description: "A newer version (revision) is in force than the one the request was written against; it must be rebased" }),
    requiredApprovals: z.int(),
    approvalsSoFar: z.int(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
    appliedVersion: z.object({ id: z.string(), version: z.int() }).nullable(),
  })
  .meta({ id: "ChangeRequestSummary" });

export const changeRequestSchema = changeRequestSummarySchema
  .extend({
    document: z.union([policyDocumentSchema, topologyProposalSchema]).meta({ description: "The proposed PolicyDocument, or the TopologyProposal (the scope before and as proposed)" }),
    diff: z.array(policyChangeSchema).meta({ description: "From the base version to the proposal" }),
    consequences: z.array(z.string()).meta({ description: "Computed from the topology and the lag reported now" }),
    safetyRelevantFields: z.array(z.string()),
    approvals: z.array(approvalSchema),
  })
  .meta({ id: "ChangeRequest" });

export const changeRequestListSchema = z.object({ changeRequests: z.array(changeRequestSummarySchema) }).meta({ id: "ChangeRequestList" });

export const changeRequestListQuerySchema = z.object({
  status: z.enum(CHANGE_REQUEST_STATUSES).optional(),
  serviceId: z.string().min(1).max(64).optional().meta({ description: "Only this service's requests (policy and topology); `global` for the default policy's" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const changeRequestIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const approveChangeRequestSchema = z.strictObject({ comment: z.string().trim().max(2000).optional() }).meta({ id: "ApproveChangeRequest" });
export const rejectChangeRequestSchema = z
  .strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000) })
  .meta({ id: "RejectChangeRequest" });

export type PolicyChangeView = z.infer<typeof policyChangeSchema>;
export type ChangeRequestPreview = z.infer<typeof changeRequestPreviewSchema>;
export type ChangeRequestSummary = z.infer<typeof changeRequestSummarySchema>;
export type ChangeRequestView = z.infer<typeof changeRequestSchema>;
