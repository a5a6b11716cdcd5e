import { z } from "zod";
import { LAG_RANGES, LAG_SOURCES } from "@/core/fleet/lag-range";
import { replicaRoleSchema, replicationModeSchema } from "./services";

export const lagRangeSchema = z.enum(LAG_RANGES).meta({ id: "LagRange", description: "15 minutes, 1 hour, 24 hours, 7, 30 or 90 days back from now" });

export const serviceLagQuerySchema = z.object({ range: lagRangeSchema.default("1h") });

const lagSourceSchema = z.enum(LAG_SOURCES).meta({ id: "LagSource", description: "`raw` samples, one-minute `rollup`s or one-hour `hour-rollup`s" });

const avgMaxSchema = z.object({ avg: z.number().nullable(), max: z.number().nullable() });

export const lagPointSchema = z
  .object({
    t: z.iso.datetime().meta({ description: "Start of the bucket (agent clock)" }),
    samples: z.int().meta({ description: "Reports in the bucket" }),
    lagBytes: avgMaxSchema.meta({ description: "Replay lag in bytes over the bucket; null for a primary" }),
    lagSeconds: avgMaxSchema.meta({ description: "Replay lag in seconds over the bucket; null for a primary" }),
    recoveryConflicts: z.int().min(0).meta({ description: "Recovery conflicts that happened in the bucket (a counter reset counts from zero)" }),
    logicalConflicts: z.int().min(0).meta({ description: "Logical-replication conflicts that happened in the bucket" }),
  })
  .meta({ id: "LagPoint" });

export const replicaLagSeriesSchema = z
  .object({
    replicaId: z.string(),
    name: z.string(),
    regionId: z.string(),
    role: replicaRoleSchema,
    replication: replicationModeSchema,
    points: z.array(lagPointSchema).meta({ description: "Oldest first; buckets without reports are absent" }),
  })
  .meta({ id: "ReplicaLagSeries" });

export const serviceEventSchema = z
  .object({
    at: z.iso.datetime(),
    action: z.string().meta({ description: "The audit action, e.g. `service.route`" }),
    summary: z.string(),
    runId: z.string().nullable(),
  })
  .meta({ id: "ServiceEvent" });

export const serviceLagSchema = z
  .object({
    serviceId: z.string(),
    range: lagRangeSchema,
    source: lagSourceSchema.meta({ description: "Where the range is served from; rollup ranges read their newest minutes, not yet rolled up, from raw samples" }),
    bucketSeconds: z.int(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    segments: z
      .array(z.object({ source: lagSourceSchema, from: z.iso.datetime(), to: z.iso.datetime() }))
      .meta({ description: "The stored data read, oldest first" }),
    rpoSeconds: z.number().nullable().meta({ description: "The tightest RPO budget among the service's eventual datasets" }),
    maxLagBytes: z.number().nullable().meta({ description: "The effective policy's maximum lag for failover" }),
    replicas: z.array(replicaLagSeriesSchema),
    events: z.array(serviceEventSchema).meta({ description: "Audit events of this service in the window (routes, epochs, runs, policy, alerts), oldest first" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "ServiceLag" });

export type ServiceLag = z.infer<typeof serviceLagSchema>;
export type ReplicaLagSeries = z.infer<typeof replicaLagSeriesSchema>;
export type ServiceEvent = z.infer<typeof serviceEventSchema>;
