import { z } from "zod";
import { policyDocumentSchema } from "./policy";

/**
 * `{id}` in `/api/v1/policies/{id}/…` is a policy's scope (`global` or
 * `service:<serviceId>`, as scripts know it) or its id.
 */
export const policyRefParamsSchema = z.object({
  id: z.string().min(1).max(140).meta({ description: "A policy scope (`global`, `service:orders-db`) or a policy id" }),
});
export const policyVersionIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const emergencyReviewSchema = z
  .object({
    reviewedBy: z.string(),
    reviewedAt: z.iso.datetime(),
    note: z.string().nullable(),
  })
  .meta({ id: "EmergencyReview" });

export const policyVersionSchema = z
  .object({
    id: z.string(),
    version: z.int(),
    current: z.boolean(),
    document: policyDocumentSchema,
    createdAt: z.iso.datetime(),
    author: z.string().nullable().meta({ description: "Email of who proposed (or, for an emergency, applied) it; null for the seed" }),
    changeRequestId: z.string().nullable(),
    emergency: z.boolean().meta({ description: "Applied by an operator without approval; needs an after-the-fact review" }),
    review: emergencyReviewSchema.nullable().meta({ description: "The after-the-fact review of an emergency version, once recorded" }),
  })
  .meta({ id: "PolicyVersion" });

export const policyVersionListSchema = z
  .object({
    policyId: z.string(),
    scope: z.string(),
    serviceId: z.string().nullable(),
    currentVersion: z.int(),
    versions: z.array(policyVersionSchema).meta({ description: "Newest first" }),
  })
  .meta({ id: "PolicyVersionList" });

export const effectivePolicySchema = z
  .object({
    serviceId: z.string(),
    scope: z.string().meta({ description: "`service:<id>` when the service has its own policy, `global` when it inherits the default" }),
    inherited: z.boolean(),
    version: z.int(),
    versionId: z.string(),
    emergency: z.boolean(),
    createdAt: z.iso.datetime(),
    document: policyDocumentSchema,
  })
  .meta({ id: "EffectivePolicy" });

export const policySummarySchema = z
  .object({
    id: z.string(),
    scope: z.string(),
    serviceId: z.string().nullable(),
    currentVersion: z.int().meta({ description: "0 while a service's policy has no version of its own yet (it inherits the global one)" }),
    versions: z.int(),
    updatedAt: z.iso.datetime(),
    unreviewedEmergencies: z.int().meta({ description: "Emergency versions still waiting for their after-the-fact review" }),
  })
  .meta({ id: "PolicySummary" });

export const policyListSchema = z.object({ policies: z.array(policySummarySchema) }).meta({ id: "PolicyList" });

export const emergencyChangeRequestSchema = z
  .strictObject({
    document: policyDocumentSchema,
    reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(2000),
  })
  .meta({ id: "EmergencyChangeRequest" });

export const emergencyReviewRequestSchema = z
  .strictObject({ note: z.string().trim().min(3, { error: "say what the review found, in at least 3 characters" }).max(2000) })
  .meta({ id: "EmergencyReviewRequest" });

export type PolicyVersionView = z.infer<typeof policyVersionSchema>;
export type PolicyVersionList = z.infer<typeof policyVersionListSchema>;
export type EffectivePolicyView = z.infer<typeof effectivePolicySchema>;
export type PolicySummary = z.infer<typeof policySummarySchema>;
