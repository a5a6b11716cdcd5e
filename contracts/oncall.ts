import { z } from "zod";
import { PAGE_SEVERITY } from "@/core/alerts/page-level";
import { ESCALATION_RULE_IDS } from "@/core/oncall/escalation";
import { ROTATION_PERIODS } from "@/core/oncall/on-call-schedule";
import { isTimeZone } from "@/core/oncall/zoned-time";
import { NOTIFICATION_FORMAT_IDS } from "@/core/notifications/formats/notification-formats";
import { emailSchema } from "./users";

const ROTATION_PERIOD_IDS = Object.keys(ROTATION_PERIODS) as (keyof typeof ROTATION_PERIODS)[];

export const timeZoneSchema = z
  .string({ error: "is required" })
  .trim()
  .refine(isTimeZone, { error: "must be an IANA time zone, e.g. Europe/Berlin, America/New_York or UTC" })
  .meta({ description: "An IANA time zone, e.g. `Europe/Berlin`" });

const isCalendarDate = (value: string) => {
  const [year = 0, month = 0, day = 0] = value.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

const scheduleFields = {
  name: z.string().trim().min(1, { error: "is required" }).max(100),
  timeZone: timeZoneSchema,
  period: z.enum(ROTATION_PERIOD_IDS).meta({ description: "`daily` or `weekly`: how often the next person takes over" }),
  startDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date as YYYY-MM-DD" })
    .refine(isCalendarDate, { error: "must be a date that exists" })
    .meta({ description: "The day of the first handoff in the schedule's time zone; a weekly rotation hands off on its weekday" }),
  handoffTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "must be a time as HH:MM (00:00 to 23:59)" })
    .meta({ description: "The wall-clock time of every handoff in the schedule's time zone" }),
  people: z
    .array(emailSchema)
    .min(1, { error: "must name at least one person" })
    .max(100)
    .meta({ description: "Emails of the people taking over from one another, in order" }),
};

export const createScheduleRequestSchema = z.strictObject(scheduleFields).meta({ id: "CreateOnCallScheduleRequest" });
export const updateScheduleRequestSchema = z
  .strictObject(scheduleFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { error: "name at least one field to change" })
  .meta({ id: "UpdateOnCallScheduleRequest" });

export const createOverrideRequestSchema = z
  .strictObject({
    email: emailSchema.meta({ description: "Who covers the range" }),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(3, { error: "say why (at least 3 characters)" }).max(500),
  })
  .refine((body) => Date.parse(body.endsAt) > Date.parse(body.startsAt), { error: "must be after startsAt", path: ["endsAt"] })
  .meta({ id: "CreateOnCallOverrideRequest" });

export const scheduleIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const overrideParamsSchema = z.object({ id: z.string().min(1).max(64), overrideId: z.string().min(1).max(64) });
export const scheduleQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(14).meta({ description: "How far ahead coverage and handoffs are shown, in days" }),
});

const personSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), timeZone: z.string().nullable().meta({ description: "From their paging contact" }) });

/** An instant as UTC and as the schedule's zone reads it. */
const whenSchema = z.object({ at: z.iso.datetime(), local: z.string().meta({ description: "In the schedule's time zone, e.g. `2026-03-30 09:00 GMT+2`" }) });

export const scheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    period: z.enum(ROTATION_PERIOD_IDS),
    startDate: z.string(),
    handoffTime: z.string(),
    people: z.array(personSchema),
    overrides: z.array(
      z.object({ id: z.string(), person: personSchema, startsAt: whenSchema, endsAt: whenSchema, reason: z.string(), createdBy: z.string() }),
    ),
    onCallNow: z.object({ people: z.array(personSchema), source: z.enum(["override", "rotation", "nobody"]) }),
    nextHandoffs: z.array(
      z.object({
        at: whenSchema,
        from: z.array(personSchema),
        to: z.array(personSchema),
        toLocal: z.array(z.string()).meta({ description: "The handoff in each incoming person's own time zone, where they set one" }),
      }),
    ),
    coverage: z
      .array(z.object({ startsAt: whenSchema, endsAt: whenSchema, people: z.array(personSchema), kind: z.enum(["rotation", "override", "gap", "overlap"]) }))
      .meta({ description: "Who is on call over the horizon; a gap (nobody) or an overlap (several) is shown, not refused" }),
    gaps: z.int().meta({ description: "How many coverage segments have nobody on call" }),
    overlaps: z.int().meta({ description: "How many coverage segments have several people on call" }),
    usedBy: z.array(z.object({ id: z.string(), name: z.string() })).meta({ description: "Escalation policies naming the schedule" }),
  })
  .meta({ id: "OnCallSchedule" });

export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema), generatedAt: z.iso.datetime() }).meta({ id: "OnCallScheduleList" });

export const escalationTargetSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("user"), email: emailSchema }),
    z.strictObject({ type: z.literal("schedule"), scheduleId: z.string().min(1).max(64) }),
  ])
  .meta({ id: "EscalationTarget", description: "A person by email, or whoever is on call in a schedule" });

export const escalationLevelSchema = z
  .strictObject({
    timeoutMinutes: z
      .number({ error: "is required, in minutes" })
      .int({ error: "must be whole minutes" })
      .min(1, { error: "must be at least 1 minute" })
      .max(1440, { error: "must be at most 1440 minutes (a day)" }),
    targets: z.array(escalationTargetSchema).min(1, { error: "must name at least one person or schedule" }).max(50),
  })
  .meta({ id: "EscalationLevel" });

const policyFields = {
  name: z.string().trim().min(1, { error: "is required" }).max(100),
  isDefault: z.boolean().default(false).meta({ description: "The policy for services without one of their own (at most one; making another the default unmakes this)" }),
  levels: z.array(escalationLevelSchema).min(1, { error: "must have at least one level" }).max(10),
};

export const createEscalationPolicyRequestSchema = z.strictObject(policyFields).meta({ id: "CreateEscalationPolicyRequest" });
export const updateEscalationPolicyRequestSchema = z
  .strictObject({ name: policyFields.name, isDefault: z.boolean(), levels: policyFields.levels })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { error: "name at least one field to change" })
  .meta({ id: "UpdateEscalationPolicyRequest" });
export const escalationPolicyIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const assignEscalationPolicyRequestSchema = z
  .strictObject({ policyId: z.string().min(1).max(64).nullable().meta({ description: "Null: the default policy" }) })
  .meta({ id: "AssignEscalationPolicyRequest" });

const targetViewSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user"), person: personSchema }),
  z.object({ type: z.literal("schedule"), scheduleId: z.string(), name: z.string(), onCallNow: z.array(personSchema) }),
]);

export const escalationPolicySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    levels: z.array(z.object({ timeoutMinutes: z.int(), targets: z.array(targetViewSchema) })),
    services: z.array(z.string()).meta({ description: "Services assigned to it (the default policy also serves every service without one)" }),
  })
  .meta({ id: "EscalationPolicy" });

export const escalationPolicyListSchema = z
  .object({
    policies: z.array(escalationPolicySchema),
    pageSeverity: z.literal(PAGE_SEVERITY).meta({ description: "The alert severity that pages people" }),
    rules: z.array(z.object({ id: z.enum(ESCALATION_RULE_IDS), sentence: z.string() })).meta({ description: "The escalation decision table, in the order it is read" }),
  })
  .meta({ id: "EscalationPolicyList" });

export const serviceEscalationSchema = z
  .object({ serviceId: z.string(), policy: z.object({ id: z.string(), name: z.string() }).nullable(), inherited: z.boolean().meta({ description: "True when the service falls back to the default policy" }) })
  .meta({ id: "ServiceEscalation" });

export const pagingContactRequestSchema = z
  .strictObject({
    format: z.enum(NOTIFICATION_FORMAT_IDS),
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((value) => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol), { error: "must be an http(s) URL" }),
    routingKey: z.string().trim().min(1).max(200).optional().meta({ description: "PagerDuty's integration (routing) key; required for the pagerduty format" }),
    timeZone: timeZoneSchema,
  })
  .refine((body) => body.format !== "pagerduty" || body.routingKey, { error: "is required for the pagerduty format", path: ["routingKey"] })
  .refine((body) => body.format === "pagerduty" || !body.routingKey, { error: "is only for the pagerduty format", path: ["routingKey"] })
  .meta({ id: "PagingContactRequest" });

export const pagingContactSchema = z
  .object({
    contact: z
      .object({ format: z.enum(NOTIFICATION_FORMAT_IDS), url: z.string(), hasRoutingKey: z.boolean().meta({ description: "The key itself is never shown" }), timeZone: z.string(), updatedAt: z.iso.datetime() })
      .nullable(),
    formats: z.array(z.object({ id: z.enum(NOTIFICATION_FORMAT_IDS), sentence: z.string() })),
  })
  .meta({ id: "PagingContact" });

export const alertPageSchema = z.object({
  id: z.string(),
  level: z.int().meta({ description: "From 1" }),
  person: personSchema,
  scheduleId: z.string().nullable(),
  rule: z.enum(ESCALATION_RULE_IDS),
  sentence: z.string(),
  sentAt: z.iso.datetime(),
  delivery: z.enum(["queued", "delivered", "failed", "undeliverable"]),
  problem: z.string().nullable(),
});

export const alertEscalationSchema = z
  .object({
    alertId: z.string(),
    policy: z.object({ id: z.string(), name: z.string() }).nullable(),
    now: z.object({ rule: z.enum(ESCALATION_RULE_IDS), sentence: z.string(), escalatesAt: z.iso.datetime().nullable() }),
    pages: z.array(alertPageSchema),
  })
  .meta({ id: "AlertEscalation" });

export type ScheduleView = z.infer<typeof scheduleSchema>;
export type EscalationPolicyView = z.infer<typeof escalationPolicySchema>;
export type AlertEscalationView = z.infer<typeof alertEscalationSchema>;
export type PagingContactView = z.infer<typeof pagingContactSchema>;

export const deletedSchema = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: "Deleted" });
