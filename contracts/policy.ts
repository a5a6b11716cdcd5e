import { z } from "zod";
import { errantTransactionsSchema } from "./agent-commands";
import { replicationModeSchema } from "./services";

const seconds = (min: number, max: number) => z.number().min(min).max(max);

export const residencyRuleSchema = z
  .strictObject({
    jurisdictions: z.array(z.string().min(1)).min(1, { error: "must allow at least one jurisdiction" }),
    regions: z.array(z.string().min(1)).default([]).meta({ description: "Narrows the jurisdictions to these regions; empty means any" }),
  })
  .meta({ id: "ResidencyRule" });

export const datasetRuleSchema = z
  .strictObject({ replication: replicationModeSchema, residency: residencyRuleSchema })
  .meta({ id: "DatasetRule" });

export const MAINTENANCE_FAILOVER = ["held", "armed"] as const;

/**
 * While a window is in force, alerts for the service are marked as in
 * maintenance and sent to no webhook, and automatic failover is held unless
 * the window keeps it armed.
 */
export const maintenanceWindowSchema = z
  .strictObject({
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    reason: z.string().min(1),
    automaticFailover: z
      .enum(MAINTENANCE_FAILOVER)
      .default("held")
      .meta({ description: "`held`: a confirmed loss of the primary is left to a person during the window (rule `failover-maintenance-window`); `armed`: automatic failover acts as outside it" }),
  })
  .meta({ id: "MaintenanceWindow" });

export const DEFAULT_DRILL_APPROVAL_MINUTES = 240;

/** Drills on the service: whether one waits for a second person's approval before its run starts (core/drills/drill-approval.ts). */
export const drillRuleSchema = z
  .strictObject({
    requireApproval: z
      .boolean()
      .default(false)
      .meta({ description: "A drill of the service (a person's, a scheduled one, or part of a plan drill) starts nothing until someone other than who asked for it, with the approver role, approves it" }),
    approvalExpiresAfterMinutes: z
      .int({ error: "must be a whole number of minutes" })
      .min(5, { error: "must be at least 5 minutes" })
      .max(7 * 24 * 60, { error: "must be at most 7 days (10080 minutes)" })
      .default(DEFAULT_DRILL_APPROVAL_MINUTES)
      .meta({ description: "A drill not approved within this many minutes expires and starts nothing" }),
  })
  .meta({ id: "DrillRule" });

/**
 * A policy: the thresholds and rules automation, alerts and runbooks read.
 * A service's own policy wins over the global default.
 */
export const policyDocumentSchema = z
  .strictObject({
    heartbeat: z.strictObject({
      intervalSeconds: seconds(0.2, 60),
      missesBeforeUnfit: z.int().min(1).max(100),
      primaryLeaseSeconds: seconds(0.5, 6000)
        .optional()
        .meta({
          description:
            "How long the primary's self-fencing lease lasts after its last renewal (by the control plane or a majority of its witnesses); unset, the window (interval × misses). " +
            "Another replica is promoted no sooner than the witnesses' first failure + 1 s (their vouch allowance) + this + a margin, so a lease shorter than the window by about 1.3 s lets a failover start as soon as the loss is confirmed; " +
            "a freeze of the primary longer than about this less one interval makes its agent fence it when it thaws (not a failover: the next grant undoes it). At least two intervals + 0.25 s",
        }),
    }),
    witness: z.strictObject({ quorum: z.int().min(1).max(16) }),
    failover: z.strictObject({
      automatic: z.boolean(),
      maxLagBytes: z.int().min(0),
      cooldownSeconds: z.int().min(0).max(7 * 86_400),
      cooldownAfterSwitchover: z
        .boolean()
        .default(false)
        .meta({ description: "Whether a planned switchover starts the cooldown too; off, only failovers (automatic or guided) do, so a switchover leaves automatic failover armed" }),
      // A default, so documents stored before the choice was governed keep parsing (as the refusal agents defaulted to).
      errantTransactions: z._default(errantTransactionsSchema, "refuse").meta({
        description:
          "What rejoining a former MariaDB primary (or re-pointing a MariaDB replica) does when it holds transactions the primary it must follow lacks (errant GTIDs): " +
          "`refuse` leaves it read-only, replicating from none, its data untouched; `rebuild` dumps its databases to its agent's formerDataDir (refused when the agent config names none), then reloads it from the primary and makes it follow. " +
          "PostgreSQL is not affected: a former primary or diverged standby rejoins by discarding its history since the split (pg_rewind or a base backup), its old data folder kept aside",
      }),
    }),
    datasets: z.record(z.string().min(1), datasetRuleSchema).default({}),
    maintenanceWindows: z.array(maintenanceWindowSchema).default([]),
    alerts: z.strictObject({
      forSeconds: z.int().min(0).max(3600),
      slotRetainedBytesMax: z.int().min(0),
      conflictsPerMinuteMax: z.int().min(0),
    }),
    approvals: z.strictObject({
      safetyRelevant: z.int().min(1).max(5),
      other: z.int().min(1).max(5),
    }),
    // A default, so documents stored before drills had a rule keep parsing (as drills that need no approval).
    drills: drillRuleSchema.default({ requireApproval: false, approvalExpiresAfterMinutes: DEFAULT_DRILL_APPROVAL_MINUTES }),
  })
  .meta({ id: "PolicyDocument" });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type DatasetRule = z.infer<typeof datasetRuleSchema>;
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;
export type DrillRule = z.infer<typeof drillRuleSchema>;
