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
export const engineSchema = z.enum(["postgresql", "mysql", "simulated"]).meta({ id: "Engine" });

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

export const writeRouteSchema = z
  .object({
    serviceId: z.string(),
    writeRegionId: z.string().nullable(),
    writeReplica: z.string().nullable(),
    endpoint: z.string().nullable().meta({ description: "postgresql://host:port/database: where clients write now (credentials are theirs)" }),
    epoch: z.number().int().meta({ description: "The fencing epoch; it increases with every promotion" }),
  })
  .meta({ id: "WriteRoute" });

export type WriteRoute = z.infer<typeof writeRouteSchema>;
