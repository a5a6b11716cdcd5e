import { z } from "zod";
import { maintenanceWindowSchema } from "@/contracts/policy";
import { IN_PLACE_RESTART_STATES } from "../agents/in-place-restart";
import { HEALTH_STATES } from "../fleet/replica-health";
import type { AutomationSnapshot } from "./snapshot";

/**
 * An automation snapshot as the audit trail keeps it with the decision that
 * acted on it (positions as decimal strings, times as ISO strings), and how
 * it is read back exactly, so that `decide()` can be run again on what the
 * decider saw and must give the same rule and sentence.
 */
const at = z.iso.datetime().transform((value) => new Date(value));
const lsn = z.string().regex(/^[0-9]+$/).transform((value) => BigInt(value));

const witnessLinkSchema = z.object({
  fromReplicaId: z.string(),
  fromRegionId: z.string(),
  toReplicaId: z.string(),
  reachable: z.boolean(),
  unreachableSince: at.nullable(),
  observedAt: at,
});

const replicaSchema = z.object({
  id: z.string(),
  name: z.string(),
  regionId: z.string(),
  jurisdiction: z.string(),
  role: z.enum(["primary", "standby", "witness"]),
  replication: z.enum(["sync", "async"]),
  promotionPriority: z.number(),
  noPromote: z.boolean(),
  hasAgent: z.boolean(),
  health: z.enum(HEALTH_STATES),
  lastReportAt: at.nullable(),
  reachable: z.boolean().nullable(),
  reportedRole: z.enum(["primary", "standby"]).nullable(),
  walReceiverStatus: z.string().nullable(),
  syncState: z.string().nullable(),
  lagBytes: z.number().nullable(),
  replayedLsn: lsn.nullable(),
  lagSeconds: z.number().nullable(),
  currentLsn: lsn.nullable(),
  flushedLsn: lsn.nullable(),
  readOnly: z.boolean().nullable(),
  synchronousStandbyNames: z.string().nullable(),
});

const promotionSchema = z.object({ at }).nullable();

export const recordedSnapshotSchema = z.object({
  serviceId: z.string(),
  epoch: z.number(),
  writeReplicaId: z.string().nullable(),
  datasets: z.array(
    z.object({
      name: z.string(),
      consistency: z.enum(["strong", "eventual"]),
      residency: z.object({ jurisdictions: z.array(z.string()), regions: z.array(z.string()) }).nullable(),
    }),
  ),
  replicas: z.array(replicaSchema),
  witnesses: z.array(witnessLinkSchema),
  activeRuns: z.array(z.object({ id: z.string(), runbookId: z.string(), status: z.string() })),
  primaryLease: z.object({ renewedAt: at, periodMs: z.number(), witnesses: z.array(z.string()), lapseRecordedAt: at.nullable() }).nullable(),
  inPlaceRestart: z.object({ replicaId: z.string(), state: z.enum(IN_PLACE_RESTART_STATES), heardAt: at }).nullable().optional(),
  controls: z.object({
    paused: z.object({ reason: z.string(), until: at.nullable() }).nullable(),
    lastPromotions: z.object({ planned: promotionSchema, unplanned: promotionSchema }),
    acknowledgedAt: at.nullable(),
    gateRefusal: z.object({ at, runId: z.string(), error: z.string().nullable() }).nullable().optional(),
  }),
  policy: z.object({
    version: z.number().nullable(),
    versionId: z.string().nullable(),
    heartbeatIntervalSeconds: z.number(),
    missesBeforeUnfit: z.number(),
    witnessQuorum: z.number(),
    automatic: z.boolean(),
    maxLagBytes: z.number(),
    cooldownSeconds: z.number(),
    cooldownAfterSwitchover: z.boolean(),
    maintenanceWindows: z.array(maintenanceWindowSchema),
  }),
}) satisfies z.ZodType<AutomationSnapshot, unknown>;

export type RecordedSnapshot = z.input<typeof recordedSnapshotSchema>;

/** The snapshot as JSON: bigints become decimal strings and Dates ISO strings, nothing else changes. */
export function recordSnapshot(snapshot: AutomationSnapshot): RecordedSnapshot {
  return JSON.parse(JSON.stringify(snapshot, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))) as RecordedSnapshot;
}

export function readRecordedSnapshot(recorded: unknown): AutomationSnapshot {
  return recordedSnapshotSchema.parse(recorded);
}
