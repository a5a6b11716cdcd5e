import { z } from "zod";
import { AUTOMATION_STATES } from "@/core/fleet/automation-state";
import { LOOPS, type LoopName } from "@/core/loops/loop-stall";
import { ACTIVE_RUN_STATUSES } from "./runs";
import { engineSchema, regionStateSchema, replicaHealthSchema } from "./services";

const healthCountsSchema = z.record(replicaHealthSchema, z.number().int()).meta({ description: "How many replicas are in each health state" });

export const worstLagSchema = z
  .object({
    replicaId: z.string(),
    replicaName: z.string(),
    lagSeconds: z.number().nullable(),
    lagBytes: z.number().nullable(),
    rpoSeconds: z.number().nullable().meta({ description: "The tightest RPO budget of the service's eventual datasets; null when none has one" }),
    maxLagBytes: z.number().nullable().meta({ description: "The effective policy's maximum lag for failover; null without a policy" }),
    secondsRatio: z.number().nullable().meta({ description: "lagSeconds ÷ rpoSeconds (1 = the whole budget)" }),
    bytesRatio: z.number().nullable().meta({ description: "lagBytes ÷ maxLagBytes (1 = the whole budget)" }),
    ratio: z.number().nullable().meta({ description: "The larger of the two ratios" }),
    stale: z.boolean().meta({ description: "True when no replica reports a current lag and this is the last one known" }),
  })
  .meta({ id: "WorstLag", description: "The replica nearest to (or past) its lag budgets" });

export const automationStateSchema = z
  .object({
    state: z.enum(AUTOMATION_STATES),
    reason: z.string(),
    maintenance: z
      .string()
      .nullable()
      .meta({ description: "The service's maintenance window in force and what it does (automatic failover held or armed; alerts not sent to webhooks); null when none is" }),
  })
  .meta({ id: "AutomationState", description: "Whether automation may fail the service over now, and why" });

export const activeRunSummarySchema = z
  .object({
    id: z.string(),
    runbookId: z.string(),
    runbookTitle: z.string(),
    status: z.enum(ACTIVE_RUN_STATUSES),
    startedAt: z.iso.datetime().nullable(),
    href: z.string().meta({ description: "The run's page in the console" }),
  })
  .meta({ id: "ActiveRunSummary" });

export const replicaAttentionSchema = z
  .object({
    replicaId: z.string(),
    replicaName: z.string(),
    regionId: z.string(),
    health: replicaHealthSchema,
    reason: z.string().meta({ description: "The worst reason" }),
  })
  .meta({ id: "ReplicaAttention", description: "A replica that is not healthy" });

export const serviceOverviewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    engine: engineSchema,
    epoch: z.number().int(),
    writeRegionId: z.string().nullable(),
    writeReplicaName: z.string().nullable(),
    health: replicaHealthSchema.meta({ description: "The worst health of the service's replicas" }),
    replicas: healthCountsSchema,
    attention: z.array(replicaAttentionSchema).meta({ description: "Replicas that are not healthy, worst first" }),
    worstLag: worstLagSchema.nullable().meta({ description: "Null when no replica reports lag (e.g. no standby reports yet)" }),
    staleAfterSeconds: z.number().meta({ description: "Reports older than this are stale (policy heartbeat × misses)" }),
    automation: automationStateSchema,
    activeRuns: z.array(activeRunSummarySchema),
  })
  .meta({ id: "ServiceOverview" });

export const loopStallSchema = z
  .object({
    loop: z.enum(Object.keys(LOOPS) as [LoopName, ...LoopName[]]),
    lastPassAt: z.iso.datetime().nullable().meta({ description: "When its last complete pass ended; null if none ever did" }),
    sentence: z.string(),
  })
  .meta({ id: "LoopStall", description: "A control-plane loop that has not completed a pass in ten of its intervals" });

export const storeWarningSchema = z
  .object({
    id: z.string().meta({ description: "Stable id of the finding (core/store/store-role-risks.ts), e.g. superuser, owns-tables" }),
    sentence: z.string(),
  })
  .meta({ id: "StoreWarning", description: "Something the control plane's store role may do beyond what the product needs" });

export const fleetOverviewSchema = z
  .object({
    services: z.array(serviceOverviewSchema),
    loopStalls: z.array(loopStallSchema).meta({ description: "The decider (automatic failover), the alert evaluator and the paging loop when they have stopped; empty while all run" }),
    storeWarnings: z
      .array(storeWarningSchema)
      .meta({ description: "What the role the control plane connects to its store as may do that it should not (a superuser, the tables' owner); empty when it has only the product's privileges" }),
    regions: z.array(regionStateSchema),
    replicas: healthCountsSchema,
    generatedAt: z.iso.datetime(),
  })
  .meta({ id: "FleetOverview" });

export type FleetOverview = z.infer<typeof fleetOverviewSchema>;
export type ServiceOverview = z.infer<typeof serviceOverviewSchema>;
