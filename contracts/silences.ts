import { z } from "zod";
import { alertRuleIdSchema } from "./alerts";
import { serviceLabelsSchema } from "./topology";

export const SILENCE_STATES = ["pending", "active", "expired"] as const;

export const createSilenceRequestSchema = z
  .strictObject({
    serviceId: z.string().min(1).max(64).optional().meta({ description: "Only this service's alerts" }),
    ruleId: alertRuleIdSchema.optional().meta({ description: "Only this rule's alerts" }),
    labels: serviceLabelsSchema.optional().meta({ description: "Only alerts of services carrying all these labels, e.g. `{\"tier\": \"critical\"}`" }),
    startsAt: z.iso.datetime({ offset: true }).optional().meta({ description: "When it starts muting; now unless said" }),
    endsAt: z.iso
      .datetime({ offset: true, error: "a silence needs an expiry: an ISO 8601 date-time in the future, at most 30 days after it starts" })
      .meta({ description: "When it stops muting: required, in the future, at most 30 days after it starts" }),
    reason: z.string().trim().min(3, { error: "say why (at least 3 characters)" }).max(500),
  })
  .meta({ id: "CreateSilenceRequest", description: "At least one of serviceId, ruleId and labels; every one given must match" });

/** An alert a silence mutes now. */
export const mutedAlertSchema = z
  .object({ id: z.string(), ruleId: alertRuleIdSchema, serviceId: z.string().nullable(), subject: z.string(), state: z.enum(["pending", "firing"]) })
  .meta({ id: "MutedAlert" });

export const silenceSchema = z
  .object({
    id: z.string(),
    serviceId: z.string().nullable(),
    ruleId: alertRuleIdSchema.nullable(),
    labels: serviceLabelsSchema,
    reason: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    expiredAt: z.iso.datetime().nullable().meta({ description: "When an operator expired it before its end" }),
    expiredBy: z.string().nullable(),
    state: z.enum(SILENCE_STATES),
    mutes: z.array(mutedAlertSchema).meta({ description: "The pending and firing alerts it matches now (empty unless active)" }),
  })
  .meta({ id: "Silence" });

export const silenceListSchema = z
  .object({
    active: z.array(silenceSchema).meta({ description: "Active and not yet started, ending soonest first" }),
    expired: z.array(silenceSchema).meta({ description: "The 50 that ended most recently" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "SilenceList" });

export const silenceIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type CreateSilenceRequest = z.infer<typeof createSilenceRequestSchema>;
export type SilenceView = z.infer<typeof silenceSchema>;
export type SilenceList = z.infer<typeof silenceListSchema>;
