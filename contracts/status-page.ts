import { z } from "zod";
import { COMPONENT_STATES, PUBLIC_INCIDENT_STATUSES } from "@/core/status/component-state";

const componentStateSchema = z.enum(COMPONENT_STATES);

export const statusComponentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    state: componentStateSchema,
    /** Share of the last 90 days without partial or major outage, percent. */
    availability: z.number(),
    history: z.array(z.object({ day: z.string().meta({ description: "UTC day, YYYY-MM-DD" }), state: componentStateSchema, outageMinutes: z.int() })),
  })
  .meta({ id: "StatusComponent" });

export const publicIncidentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(PUBLIC_INCIDENT_STATUSES),
    components: z.array(z.string()).meta({ description: "The names of the components it affects" }),
    startedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
    updates: z.array(z.object({ id: z.string(), status: z.enum(PUBLIC_INCIDENT_STATUSES), body: z.string(), at: z.iso.datetime() })).meta({ description: "Newest first" }),
  })
  .meta({ id: "PublicIncident" });

export const statusPageSchema = z
  .object({
    title: z.string(),
    indicator: z.object({ state: componentStateSchema, description: z.string() }),
    components: z.array(statusComponentSchema),
    openIncidents: z.array(publicIncidentSchema),
    pastIncidents: z.array(publicIncidentSchema).meta({ description: "Resolved within the last 90 days, newest first" }),
    generatedAt: z.iso.datetime(),
    stale: z.boolean().meta({ description: "True when the store did not answer in time and this is the last page it did answer" }),
  })
  .meta({ id: "StatusPage" });

export type StatusPage = z.infer<typeof statusPageSchema>;
export type PublicIncident = z.infer<typeof publicIncidentSchema>;

const componentNameSchema = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(80, { error: "must be at most 80 characters" });

export const statusComponentConfigSchema = z
  .strictObject({
    name: componentNameSchema.meta({ description: "The public name, e.g. `Checkout`: the page never shows the services' own names" }),
    description: z.string().trim().max(300, { error: "must be at most 300 characters" }).optional(),
    services: z.array(z.string().min(1).max(64)).min(1, { error: "must name at least one service" }).max(100),
  })
  .meta({ id: "StatusComponentConfig" });

export const statusComponentListSchema = z
  .object({ components: z.array(statusComponentConfigSchema.extend({ id: z.string(), description: z.string().nullable() })) })
  .meta({ id: "StatusComponentList" });

export const putStatusComponentsRequestSchema = z
  .strictObject({
    components: z
      .array(statusComponentConfigSchema)
      .max(50, { error: "must be at most 50 components" })
      .superRefine((components, context) => {
        const seen = new Set<string>();
        for (const [index, component] of components.entries()) {
          const key = component.name.toLowerCase();
          if (seen.has(key)) context.addIssue({ code: "custom", path: [index, "name"], message: `"${component.name}" is named twice` });
          seen.add(key);
        }
      }),
  })
  .meta({ id: "PutStatusComponentsRequest" });
