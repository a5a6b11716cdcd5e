import { z } from "zod";
import { consistencySchema, replicationModeSchema } from "./services";

/**
 * The fleet document: the topology Switchyard manages, as people write it
 * (`fleet.yaml`), as `switchyard export` writes it and as discovery proposes
 * it. Declarative and round-trip: applying an exported document changes
 * nothing. It holds what the topology is (regions, services, their datasets
 * and replicas); what the automation may do with it (thresholds, a dataset's
 * replication mode and residency) is each service's policy, governed as before.
 *
 * Applying reconciles each service the document names: its datasets and
 * replicas become exactly the listed ones (a replica left out is retired, not
 * deleted: its history stays readable). Services and regions the document
 * does not name are left as they are.
 */

const slug = (what: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: `${what} must be lower-case letters, digits and inner dashes` });

/** `cloud:code`, e.g. `aws:us-east-1`. */
export const regionIdSchema = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?:[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: "must be cloud:code, e.g. aws:us-east-1" })
  .meta({ id: "RegionId" });

export const fleetRegionSchema = z
  .strictObject({
    cloud: slug("cloud"),
    code: slug("code"),
    jurisdiction: z
      .string()
      .regex(/^[A-Z][A-Z0-9-]{1,15}$/, { error: "must be an upper-case tag such as EU or US" })
      .meta({ description: "The legal jurisdiction its data falls under; residency rules name it" }),
    displayName: z.string().trim().min(1).max(100),
  })
  .meta({ id: "FleetRegion" });

export const fleetDatasetSchema = z
  .strictObject({
    name: slug("a dataset name"),
    ownerTeam: z.string().trim().min(1).max(100),
    consistency: consistencySchema,
    rpoSeconds: z.int().min(0).max(86_400).meta({ description: "Recovery point budget; 0 for strong data" }),
    rtoSeconds: z.int().min(1).max(86_400).meta({ description: "Recovery time budget" }),
  })
  .meta({ id: "FleetDataset" });

export const fleetReplicaSchema = z
  .strictObject({
    name: slug("a replica name").meta({ description: "Unique within the service; also the PostgreSQL application_name its standby streams as" }),
    region: regionIdSchema,
    host: z.string().trim().min(1).max(253),
    port: z.int().min(1).max(65_535),
    database: z.string().min(1).max(63),
    replication: replicationModeSchema.meta({ description: "sync: named in synchronous_standby_names when it is a standby" }),
    promotionPriority: z.int().min(0).max(1000).default(100).meta({ description: "Higher wins when candidates are otherwise equal" }),
    noPromote: z.boolean().default(false).meta({ description: "Never promoted, automatically or by a runbook" }),
    witnessOnly: z.boolean().default(false).meta({ description: "Holds no data: it only witnesses the other regions" }),
  })
  .meta({ id: "FleetReplica" });

const LABEL_NAME = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;

/** `{ tier: "critical", team: "checkout" }`: what people select services by (a region evacuation of every critical service). */
export const serviceLabelsSchema = z
  .record(z.string(), z.string().trim().min(1).max(63))
  .superRefine((labels, context) => {
    const names = Object.keys(labels);
    if (names.length > 32) context.addIssue({ code: "custom", message: "at most 32 labels" });
    for (const name of names.filter((candidate) => !LABEL_NAME.test(candidate))) {
      context.addIssue({ code: "custom", path: [name], message: `label name "${name}": lowercase letters, digits and . _ / -, starting and ending with a letter or digit, at most 63 characters` });
    }
  })
  .meta({ id: "ServiceLabels" });

export const fleetServiceSchema = z
  .strictObject({
    id: slug("a service id"),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).default(""),
    labels: serviceLabelsSchema.default({}),
    engine: z
      .enum(["postgresql", "mariadb", "simulated"])
      .meta({ description: "postgresql, mariadb (GTID replication, semi-synchronous for strong data), or simulated (a fleet of simulated agents, for load tests)" }),
    primary: z
      .string()
      .min(1)
      .max(63)
      .meta({ description: "The replica that takes writes. Sets the write route of a new service; for an existing one it is only compared (the primary moves by a runbook)" }),
    // Required, not defaulted: applying makes a service's datasets exactly the listed ones, so a missing list must not read as "none".
    datasets: z.array(fleetDatasetSchema).max(64).meta({ description: "Every dataset of the service (an empty list is an answer: none)" }),
    replicas: z.array(fleetReplicaSchema).min(1, { error: "must list at least the primary" }).max(64),
  })
  .meta({ id: "FleetService" });

export const fleetDocumentSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: "The document format's version" }),
    regions: z.array(fleetRegionSchema).max(256).default([]),
    services: z.array(fleetServiceSchema).max(1000).default([]),
  })
  .meta({ id: "FleetDocument", description: "Switchyard's topology as a declarative document (fleet.yaml)" });

export type FleetDocument = z.infer<typeof fleetDocumentSchema>;
export type FleetRegion = z.infer<typeof fleetRegionSchema>;
export type FleetService = z.infer<typeof fleetServiceSchema>;
export type FleetDataset = z.infer<typeof fleetDatasetSchema>;
export type FleetReplica = z.infer<typeof fleetReplicaSchema>;

export const regionIdOf = (region: Pick<FleetRegion, "cloud" | "code">) => `${region.cloud}:${region.code}`;

/** The fleet document's JSON Schema, as editors read it (defaults make fields optional). */
export function fleetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fleetDocumentSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
}
