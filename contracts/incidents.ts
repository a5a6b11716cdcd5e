import { z } from "zod";
import { INCIDENT_STATUSES } from "@/core/incidents/incident-status";

const note = (what: string) => z.string({ error: `say ${what}` }).trim().min(3, { error: `say ${what}, in at least 3 characters` }).max(4000, { error: "must be at most 4000 characters" });
const email = z.email({ error: "must be a user's email address" }).max(320);

export const incidentStatusSchema = z.enum(INCIDENT_STATUSES, { error: `must be one of ${INCIDENT_STATUSES.join(", ")}` }).meta({ id: "IncidentStatus" });

const actorSchema = z.object({ type: z.enum(["user", "agent", "system", "automation"]), label: z.string() });

export const incidentUpdateSchema = z
  .object({ id: z.string(), status: incidentStatusSchema, note: z.string(), publicNote: z.string().nullable().meta({ description: "What the status page shows of it; null when it was not posted there" }), author: actorSchema, at: z.iso.datetime() })
  .meta({ id: "IncidentUpdate", description: "A status update: the status it set (or kept), its note, who wrote it and when" });

export const incidentPersonSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

export const incidentSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    serviceIds: z.array(z.string()),
    status: incidentStatusSchema,
    openRule: z.string().meta({ description: "The rule of core/incidents/open-rules that opened it" }),
    openedBy: actorSchema,
    firstSignAt: z.iso.datetime(),
    openedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
    publicTitle: z.string().nullable().meta({ description: "Its title on the public status page; null until its commander first posts there" }),
    commander: incidentPersonSchema.nullable(),
    responders: z.array(incidentPersonSchema),
    lastUpdate: incidentUpdateSchema.nullable(),
  })
  .meta({ id: "IncidentSummary" });

export const timelineEntrySchema = z
  .object({
    at: z.iso.datetime(),
    source: z.object({ kind: z.enum(["audit", "alert"]), id: z.string() }).meta({ description: "An audit event's seq, or an alert's id for its condition starting" }),
    action: z.string().nullable(),
    actor: actorSchema,
    serviceId: z.string().nullable(),
    what: z.string(),
    rule: z.string().nullable().meta({ description: "The rule that decided it: an automation rule, an alert rule, a step or incident rule" }),
    why: z.string().nullable().meta({ description: "The rule's sentence or the person's note" }),
    runId: z.string().nullable(),
    outcome: z.enum(["success", "failure"]),
  })
  .meta({ id: "IncidentTimelineEntry" });

export const incidentSchema = incidentSummarySchema
  .extend({
    updates: z.array(incidentUpdateSchema),
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).meta({ description: "The timeline's span: a little before the first sign to the resolution (or now)" }),
    timeline: z.array(timelineEntrySchema),
    runIds: z.array(z.string()).meta({ description: "Runs of its services started in the window" }),
    reviewVersion: z.int().nullable().meta({ description: "The latest review version, null when none was written" }),
  })
  .meta({ id: "Incident" });

export const incidentListSchema = z.object({ incidents: z.array(incidentSummarySchema) }).meta({ id: "IncidentList" });
export const incidentListQuerySchema = z.object({
  serviceId: z.string().max(64).optional(),
  open: z.enum(["true", "false"], { error: "must be true or false" }).optional().meta({ description: "true: open ones only; false: resolved ones only" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const incidentIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const declareIncidentRequestSchema = z
  .strictObject({
    serviceIds: z.array(z.string().min(1).max(64), { error: "must list the services" }).min(1, { error: "must name at least one service" }).max(20),
    title: z.string({ error: "give the incident a title" }).trim().min(3, { error: "give the incident a title of at least 3 characters" }).max(200),
    note: note("what is known so far"),
  })
  .meta({ id: "DeclareIncidentRequest" });

export const incidentStatusRequestSchema = z
  .strictObject({
    status: incidentStatusSchema,
    note: note("what changed"),
    publicNote: z
      .string()
      .trim()
      .min(3, { error: "say it to the public in at least 3 characters" })
      .max(2000, { error: "must be at most 2000 characters" })
      .optional()
      .meta({ description: "Posted to the public status page with this update (the commander only); write it for the public: no replica, region or service names" }),
    publicTitle: z
      .string()
      .trim()
      .min(3, { error: "give a public title of at least 3 characters" })
      .max(120, { error: "must be at most 120 characters" })
      .optional()
      .meta({ description: "The incident's title on the status page; required with the first public note, may change later" }),
  })
  .meta({ id: "IncidentStatusRequest", description: "A status update; every one carries a note" });

export const incidentRolesRequestSchema = z
  .strictObject({
    commander: email.nullable().optional().meta({ description: "Who takes command (email); null hands command over to nobody" }),
    addResponders: z.array(email).max(50).optional(),
    removeResponders: z.array(email).max(50).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: "IncidentRolesRequest" });

export const incidentReviewSchema = z
  .object({
    incidentId: z.string(),
    version: z.int(),
    markdown: z.string(),
    author: z.string(),
    createdAt: z.iso.datetime(),
    versions: z.array(z.object({ version: z.int(), author: z.string(), createdAt: z.iso.datetime() })),
  })
  .meta({ id: "IncidentReview" });

export const saveIncidentReviewRequestSchema = z
  .strictObject({
    markdown: z.string({ error: "must be the review's Markdown text" }).trim().min(1, { error: "must not be empty" }).max(200_000, { error: "must be at most 200000 characters" }),
    baseVersion: z.int().min(0).meta({ description: "The version the edit started from (0 for none): a save over someone else's newer version is refused" }),
  })
  .meta({ id: "SaveIncidentReviewRequest" });

export const incidentReviewExportQuerySchema = z.object({
  format: z.enum(["md", "pdf"], { error: "must be md or pdf" }).default("md"),
  version: z.coerce.number().int().min(1).optional(),
});

export type IncidentView = z.infer<typeof incidentSchema>;
export type IncidentSummaryView = z.infer<typeof incidentSummarySchema>;
export type IncidentReviewView = z.infer<typeof incidentReviewSchema>;
export type TimelineEntryView = z.infer<typeof timelineEntrySchema>;
