import { z } from "zod";
import { ALERT_RULE_IDS } from "@/core/alerts/alert-rules";

export const ALERT_STATES = ["pending", "firing", "resolved"] as const;
export const alertStateSchema = z.enum(ALERT_STATES).meta({ id: "AlertState" });
export const alertRuleIdSchema = z.enum(ALERT_RULE_IDS).meta({ id: "AlertRuleId" });

export const alertSchema = z
  .object({
    id: z.string(),
    ruleId: alertRuleIdSchema,
    title: z.string().meta({ description: "The rule's title" }),
    severity: z.enum(["warning", "critical"]),
    state: alertStateSchema,
    serviceId: z.string().nullable().meta({ description: "Null for an alert about the installation's accounts rather than a service" }),
    replicaId: z.string().nullable(),
    subject: z.string().meta({ description: "What the alert is about, e.g. a replica or one of its slots" }),
    sentence: z.string().meta({ description: "Why, as last evaluated" }),
    policyVersion: z.int().nullable().meta({ description: "The effective policy version the last evaluation used" }),
    startedAt: z.iso.datetime().meta({ description: "When the condition was first seen in this occurrence" }),
    lastSeenAt: z.iso.datetime(),
    firedAt: z.iso.datetime().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    acknowledged: z
      .object({ at: z.iso.datetime(), by: z.string(), note: z.string() })
      .nullable(),
    maintenance: z
      .string()
      .nullable()
      .meta({
        description:
          "What muted it when it was raised: the service's maintenance window (`maintenance window \"kernel patching\" until …`), a silence (`silence <id> by … until …`) or an inhibiting alert (`inhibited by heartbeat-stale on pg-us-east-1`). Its firing and resolution are recorded and audited but not sent to webhooks. Null once announced (an alert still firing when nothing mutes it any more is announced then).",
      }),
    silencedBy: z
      .object({ id: z.string(), reason: z.string(), createdBy: z.string(), endsAt: z.iso.datetime() })
      .nullable()
      .meta({ description: "The active silence matching it now (the one that ends last); null when none does" }),
    inhibitedBy: z
      .object({ alertId: z.string(), ruleId: alertRuleIdSchema, subject: z.string(), inhibitionRuleId: z.string() })
      .nullable()
      .meta({ description: "The open alert that explains it now under an inhibition rule (e.g. its service's lost primary); null when none does" }),
  })
  .meta({ id: "Alert" });

export const alertRuleSchema = z
  .object({ id: alertRuleIdSchema, title: z.string(), severity: z.enum(["warning", "critical"]), description: z.string() })
  .meta({ id: "AlertRule" });


export const alertListQuerySchema = z.object({
  state: z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(alertStateSchema))
    .optional().meta({ description: "Comma-separated states, e.g. `pending,firing`" }),
  serviceId: z.string().min(1).max(64).optional(),
  ruleId: alertRuleIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const alertListSchema = z
  .object({
    alerts: z.array(alertSchema).meta({ description: "Newest first" }),
    counts: z.object({ pending: z.int(), firing: z.int(), resolved: z.int() }).meta({ description: "Over the filtered set, ignoring the state filter and the limit" }),
    rules: z.array(alertRuleSchema),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "AlertList" });

export const alertIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const acknowledgeAlertRequestSchema = z
  .strictObject({ note: z.string().trim().min(3, { error: "say what you are doing about it (at least 3 characters)" }).max(2000) })
  .meta({ id: "AcknowledgeAlertRequest" });

export type AlertView = z.infer<typeof alertSchema>;
export type AlertList = z.infer<typeof alertListSchema>;
export type AlertRule = z.infer<typeof alertRuleSchema>;
