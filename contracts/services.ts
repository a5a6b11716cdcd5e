import { z } from "zod";
import { HEALTH_STATES } from "@/core/fleet/replica-health";

export const regionSchema = z
  .object({
    id: z.string().meta({ description: "`cloud:code`, e.g. `aws:us-east-1`" }),
    cloud: z.string(),
    code: z.string(),
    jurisdiction: z.string(),
    displayName: z.string(),
  })
  .meta({ id: "Region" });

export const replicationModeSchema = z.enum(["sync", "async"]).meta({ id: "ReplicationMode" });

export const consistencySchema = z.enum(["strong", "eventual"]).meta({ id: "Consistency" });

export const datasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerTeam: z.string(),
    consistency: consistencySchema,
    rpoSeconds: z.number().int(),
    rtoSeconds: z.number().int(),
    replication: replicationModeSchema.nullable().meta({ description: "From the effective policy" }),
    residency: z
      .object({ jurisdictions: z.array(z.string()), regions: z.array(z.string()) })
      .nullable()
      .meta({ description: "Where the dataset's primary may live, from the effective policy" }),
  })
  .meta({ id: "Dataset" });

export const replicaRoleSchema = z.enum(["primary", "standby", "witness"]).meta({ id: "ReplicaRole" });
export const engineSchema = z.enum(["postgresql", "mysql", "mariadb", "simulated"]).meta({ id: "Engine" });
export type Engine = z.infer<typeof engineSchema>;

export const replicaSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    regionId: z.string(),
    role: replicaRoleSchema,
    engine: engineSchema,
    host: z.string(),
    port: z.number().int(),
    databaseName: z.string(),
    replication: replicationModeSchema,
    promotionPriority: z.number().int(),
    noPromote: z.boolean(),
  })
  .meta({ id: "Replica" });

export const serviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    engine: engineSchema,
    epoch: z.number().int(),
    policyVersion: z.number().int().nullable().meta({ description: "Version of the effective policy" }),
    writeReplicaId: z.string().nullable(),
    writeRegionId: z.string().nullable(),
    labels: z.record(z.string(), z.string()).meta({ description: "What people select the service by, e.g. a region evacuation of every `tier: critical` service" }),
    retiredAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: "When the service was retired (null while it is live): nothing acts on it any more; its replicas are the ones it had then, readable as history" }),
    datasets: z.array(datasetSchema),
    replicas: z.array(replicaSchema),
  })
  .meta({ id: "Service" });

export const serviceListSchema = z
  .object({ services: z.array(serviceSchema), regions: z.array(regionSchema) })
  .meta({ id: "ServiceList" });

export type RegionView = z.infer<typeof regionSchema>;
export type ServiceView = z.infer<typeof serviceSchema>;
export type ServiceList = z.infer<typeof serviceListSchema>;

export const replicaHealthSchema = z.enum(HEALTH_STATES).meta({ id: "ReplicaHealth" });

export const replicaLiveStateSchema = z
  .object({
    health: replicaHealthSchema,
    reasons: z.array(z.string()).meta({ description: "Why the replica is not healthy, worst first" }),
    lastReportAt: z.iso.datetime().nullable().meta({ description: "Control-plane time of the last report" }),
    observedAt: z.iso.datetime().nullable().meta({ description: "Agent time of the last measurement" }),
    reachable: z.boolean().nullable(),
    reportedRole: z.enum(["primary", "standby"]).nullable(),
    timeline: z.number().int().nullable(),
    lsn: z.object({ current: z.string().nullable(), received: z.string().nullable(), replayed: z.string().nullable() }),
    gtid: z
      .object({ current: z.string().nullable(), received: z.string().nullable(), replayed: z.string().nullable() })
      .nullable()
      .meta({
        description:
          "A MariaDB replica's positions as its GTIDs (gtid_binlog_pos on a primary; Gtid_IO_Pos and gtid_slave_pos on a replica), of which `lsn` holds the replication domain's sequence numbers; null for other engines",
      }),
    lagBytes: z.number().nullable(),
    lagSeconds: z.number().nullable(),
    syncState: z.string().nullable().meta({ description: "sync/async/potential/quorum, as the primary sees this standby" }),
    walReceiverStatus: z.string().nullable(),
    queryLatencyMs: z.number().nullable(),
    recoveryConflicts: z.number().int().nullable(),
    logicalConflicts: z.number().int().nullable(),
  })
  .meta({ id: "ReplicaLiveState" });

export const replicaAgentSchema = z
  .object({ id: z.string(), name: z.string(), version: z.string().nullable(), lastHeartbeatAt: z.iso.datetime().nullable(), clockSkewMs: z.number().int().nullable() })
  .meta({ id: "ReplicaAgent" });

export const liveReplicaSchema = replicaSchema
  .extend({ agent: replicaAgentSchema.nullable(), live: replicaLiveStateSchema })
  .meta({ id: "LiveReplica" });

export const serviceDetailSchema = serviceSchema
  .extend({
    replicas: z.array(liveReplicaSchema),
    regions: z.array(regionSchema),
    staleAfterSeconds: z.number().meta({ description: "Reports older than this are stale (policy heartbeat × misses)" }),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "ServiceDetail" });

export const serviceIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type ServiceDetail = z.infer<typeof serviceDetailSchema>;
export type LiveReplica = z.infer<typeof liveReplicaSchema>;

export const regionStateSchema = z
  .object({
    region: regionSchema,
    health: replicaHealthSchema.meta({ description: "The worst health of the region's replicas (unknown when it has none reporting)" }),
    replicas: z.record(replicaHealthSchema, z.number().int()).meta({ description: "How many replicas of the region are in each state" }),
    witnesses: z
      .object({
        observers: z.number().int().meta({ description: "Agents in other regions that probed this region's replicas" }),
        reaching: z.number().int().meta({ description: "Of those, how many reached every replica they probe here at their last probe" }),
        unreachableSince: z.iso.datetime().nullable().meta({ description: "Start of the oldest current run of failed probes into this region" }),
      })
      .meta({ description: "What other regions' witnesses see of this region" }),
  })
  .meta({ id: "RegionState" });

export const regionStateListSchema = z.object({ regions: z.array(regionStateSchema), generatedAt: z.iso.datetime() }).meta({ id: "RegionStateList" });

export type RegionState = z.infer<typeof regionStateSchema>;

export const ROUTE_INTENTS = ["write", "read"] as const;

/** At most a day: a read that accepts more lag than that wants a backup, not a replica. */
const MAX_READ_LAG_SECONDS = 86_400;

/**
 * Where to connect: `intent=write` (the default) names the write replica;
 * `intent=read` the replica closest to `near` that may serve a read with
 * at most `maxLagSeconds` of lag (both required with it, refused without).
 */
export const serviceRouteQuerySchema = z
  .strictObject({
    intent: z.enum(ROUTE_INTENTS).default("write").meta({ description: "`write` (default): where writes go; `read`: the closest replica that may serve a read" }),
    near: z.string().min(1).max(100).optional().meta({ description: "With intent=read: the region the client is in or closest to, e.g. `aws:eu-west-1`" }),
    maxLagSeconds: z.coerce
      .number()
      .min(0, { error: "must be a number of seconds, at least 0" })
      .max(MAX_READ_LAG_SECONDS, { error: `must be at most ${MAX_READ_LAG_SECONDS} seconds` })
      .optional()
      .meta({ description: "With intent=read: the most replay lag, in seconds, the read accepts" }),
  })
  .superRefine((query, context) => {
    for (const name of ["near", "maxLagSeconds"] as const) {
      if (query.intent === "read" && query[name] === undefined) context.addIssue({ code: "custom", path: [name], message: `is required with intent=read` });
      if (query.intent === "write" && query[name] !== undefined) context.addIssue({ code: "custom", path: [name], message: `applies only to intent=read; the write route takes no ${name}` });
    }
  });

export const writeRouteSchema = z
  .object({
    intent: z.literal("write"),
    serviceId: z.string(),
    writeRegionId: z.string().nullable(),
    writeReplica: z.string().nullable(),
    endpoint: z.string().nullable().meta({ description: "postgresql://host:port/database: where clients write now (credentials are theirs)" }),
    connectionString: z.string().nullable().meta({
      description:
        "A libpq multi-host URI of every live replica, the write replica first, with target_session_attrs=read-write: a driver that supports it finds the new primary after a failover by itself. No credentials; null while the service has no write replica",
    }),
    epoch: z.number().int().meta({ description: "The fencing epoch; it increases with every promotion" }),
  })
  .meta({ id: "WriteRoute" });

export const readRouteCandidateSchema = z
  .object({
    replicaId: z.string(),
    name: z.string(),
    regionId: z.string(),
    role: replicaRoleSchema,
    lagSeconds: z.number().nullable().meta({ description: "Replay lag as last reported; 0 for the write replica" }),
    rttMs: z.number().nullable().meta({ description: "Round-trip time from `near` by the witness RTT matrix (0 within the region); null when no current probe measures it" }),
    serves: z.boolean(),
    rule: z.string().nullable().meta({ description: "The read route rule the replica fails (README, Read routing); null when it serves" }),
    reason: z.string().nullable(),
  })
  .meta({ id: "ReadRouteCandidate" });

export const readRouteSchema = z
  .object({
    intent: z.literal("read"),
    serviceId: z.string(),
    near: z.string(),
    maxLagSeconds: z.number(),
    replica: z
      .object({
        id: z.string(),
        name: z.string(),
        regionId: z.string(),
        endpoint: z.string().meta({ description: "postgresql://host:port/database (credentials are the client's)" }),
        lagSeconds: z.number(),
        rttMs: z.number().nullable(),
      })
      .nullable()
      .meta({ description: "The replica to read from; null when none qualifies (then `candidates` says why of each)" }),
    sentence: z.string(),
    candidates: z.array(readRouteCandidateSchema).meta({ description: "Every replica: the chosen one first, the others that qualify by closeness, then those excluded" }),
    epoch: z.number().int(),
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "ReadRoute" });

export const serviceRouteSchema = z.discriminatedUnion("intent", [writeRouteSchema, readRouteSchema]).meta({ id: "ServiceRoute" });

export type WriteRoute = z.infer<typeof writeRouteSchema>;
export type ReadRoute = z.infer<typeof readRouteSchema>;
export type ServiceRoute = z.infer<typeof serviceRouteSchema>;
