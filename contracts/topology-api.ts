import { z } from "zod";
import { fleetDatasetSchema, fleetDocumentSchema, fleetRegionSchema, fleetReplicaSchema, fleetServiceSchema, regionIdSchema } from "./topology";

export const topologyChangeSchema = z
  .object({
    scope: z.string().meta({ description: "`service:<id>` or `regions`: the part of the topology it belongs to" }),
    field: z.string().meta({ description: "`replicas.pg-eu-west-1.promotionPriority`, `datasets.orders`, `regions.aws:us-east-1.jurisdiction`" }),
    kind: z.enum(["added", "removed", "changed"]),
    before: z.unknown(),
    after: z.unknown(),
    text: z.string().meta({ description: "`replica pg-eu-west-1: promotionPriority 90 → 50`" }),
    governed: z.boolean().meta({ description: "It can alter what a failover does, so it needs approvals" }),
  })
  .meta({ id: "TopologyChange" });

export const topologyIssueSchema = z
  .object({
    field: z.string(),
    rule: z.string().meta({ description: "A stable rule id (GET /api/v1/topology/rules lists them)" }),
    message: z.string(),
  })
  .meta({ id: "TopologyIssue" });

export const scopePlanSchema = z
  .object({
    scope: z.string(),
    mode: z.enum(["none", "direct", "change-request"]).meta({ description: "Not at all, by an admin directly (audited), or by a change request" }),
    why: z.string(),
    changes: z.array(topologyChangeSchema),
    revision: z.int().meta({ description: "The scope's topology revision now; a change request is written against it" }),
    requiredApprovals: z.int().nullable().meta({ description: "For a change request: the approvals the policy in force asks for" }),
  })
  .meta({ id: "TopologyScopePlan" });

export const topologyPlanSchema = z
  .object({
    acceptable: z.boolean().meta({ description: "False when any issue is found: applying would be refused whole" }),
    scopes: z.array(scopePlanSchema),
    issues: z.array(topologyIssueSchema),
    notes: z.array(z.string()).meta({ description: "What the document says but a topology change does not do" }),
  })
  .meta({ id: "TopologyPlan" });

export const topologyApprovalSchema = z
  .enum(["when-required", "always"])
  .default("when-required")
  .meta({
    id: "TopologyApproval",
    description:
      "When a change request is opened (a plan shows what applying with the same choice does). `when-required`: only for a scope whose changes can alter a failover; the rest (a brand-new service, new regions, names, owners, RTO budgets) an admin applies directly, audited. `always`: for every scope that changes, so a second person approves even what an admin could apply alone; such a request needs the policy in force's `approvals.other` approvals (`approvals.safetyRelevant` when it holds a change that can alter a failover)",
  });

export const topologyPlanRequestSchema = z
  .strictObject({
    document: fleetDocumentSchema,
    approval: topologyApprovalSchema,
  })
  .meta({ id: "TopologyPlanRequest" });

export const applyTopologyRequestSchema = z
  .strictObject({
    document: fleetDocumentSchema,
    reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000),
    expiresInHours: z.int().min(1).max(720).default(72).meta({ description: "Deadline for the approvals of the change requests it opens" }),
    approval: topologyApprovalSchema,
  })
  .meta({ id: "ApplyTopologyRequest" });

export const applyTopologyResultSchema = z
  .object({
    applied: z.array(z.string()).meta({ description: "Scopes changed directly, now in force" }),
    changeRequests: z.array(z.object({ id: z.string(), scope: z.string(), requiredApprovals: z.int() })).meta({ description: "Change requests opened for what needs approvals" }),
    unchanged: z.array(z.string()),
    notes: z.array(z.string()),
  })
  .meta({ id: "ApplyTopologyResult" });

export const topologyExportQuerySchema = z.object({
  format: z.enum(["yaml", "json"]).default("yaml"),
});

/** What a topology change request holds: its scope as it was when proposed, and as proposed. */
export const topologyProposalSchema = z
  .object({
    scope: z.string(),
    before: fleetDocumentSchema.meta({ description: "The scope as it was when proposed (regions, or one service)" }),
    after: fleetDocumentSchema.meta({ description: "The scope as proposed" }),
  })
  .meta({ id: "TopologyProposal" });

const reason = z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000).meta({ description: "Why, for the audit trail and the approvers" });

/**
 * One entity changed through its own endpoint: each is the fleet document
 * with that one change, applied as `POST /api/v1/topology/apply` applies a
 * document (directly, or as a change request when it can alter a failover).
 */
export const createRegionRequestSchema = fleetRegionSchema.extend({ reason }).meta({ id: "CreateRegionRequest" });
export const updateRegionRequestSchema = fleetRegionSchema.pick({ jurisdiction: true, displayName: true }).partial().extend({ reason }).meta({ id: "UpdateRegionRequest" });
export const createServiceRequestSchema = z.strictObject({ service: fleetServiceSchema, reason }).meta({ id: "CreateServiceRequest" });
export const updateServiceRequestSchema = fleetServiceSchema.pick({ name: true, description: true }).partial().extend({ reason }).meta({ id: "UpdateServiceRequest" });
export const addReplicaRequestSchema = fleetReplicaSchema.extend({ reason }).meta({ id: "AddReplicaRequest" });
export const updateReplicaRequestSchema = fleetReplicaSchema.omit({ name: true }).partial().extend({ reason }).meta({ id: "UpdateReplicaRequest" });
export const addDatasetRequestSchema = fleetDatasetSchema.extend({ reason }).meta({ id: "AddDatasetRequest" });
export const updateDatasetRequestSchema = fleetDatasetSchema.omit({ name: true }).partial().extend({ reason }).meta({ id: "UpdateDatasetRequest" });
export const retireRequestSchema = z.strictObject({ reason }).meta({ id: "RetireRequest" });

export const regionIdParamsSchema = z.object({ id: regionIdSchema });
export const serviceReplicaParamsSchema = z.object({ id: z.string().min(1).max(63), name: z.string().min(1).max(63) });

export const topologyRulesSchema = z
  .object({
    rules: z.array(z.object({ id: z.string(), sentence: z.string() })),
    governedFields: z.array(z.object({ field: z.string(), why: z.string() })),
    retirement: z
      .array(z.object({ id: z.string(), mode: z.enum(["direct", "change-request"]), sentence: z.string() }))
      .meta({ description: "How a retirement no rule refuses is applied (directly, or by a change request), and why" }),
  })
  .meta({ id: "TopologyRules" });

export type TopologyPlanView = z.infer<typeof topologyPlanSchema>;
export type ApplyTopologyRequest = z.infer<typeof applyTopologyRequestSchema>;
export type ApplyTopologyResult = z.infer<typeof applyTopologyResultSchema>;
export type TopologyProposal = z.infer<typeof topologyProposalSchema>;
