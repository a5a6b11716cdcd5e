import { z } from "zod";
import { observedRtoSchema } from "./runs";

export const DRILL_STATUSES = ["awaiting_approval", "starting", "running", "switching_back", "passed", "failed", "aborted", "rejected", "expired"] as const;
export const ACTIVE_DRILL_STATUSES = ["awaiting_approval", "starting", "running", "switching_back"] as const;
export const DRILL_APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired"] as const;

export const drillApprovalSchema = z
  .object({
    status: z.enum(DRILL_APPROVAL_STATUSES),
    services: z.array(z.string()).meta({ description: "The services in scope whose policy requires approval of their drills" }),
    requestedBy: z.string().nullable().meta({ description: "Who asked: the person who started the drill or plan, or who created the drill's schedule (cannot approve it)" }),
    expiresAt: z.iso.datetime().meta({ description: "Not approved by then, it expires and starts nothing" }),
    decidedBy: z.string().nullable(),
    decidedAt: z.iso.datetime().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: "DrillApproval", description: "The second person's approval a drill (or a plan drill as a whole) waits for when a service's policy requires it" });

export const drillDecisionRequestSchema = z
  .strictObject({ note: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(1000) })
  .meta({ id: "DrillDecisionRequest" });

const runParamsSchema = z
  .record(z.string().max(64), z.string().max(2000))
  .meta({ description: "The runbook's parameters, as for a run: `service`, `to_region`, `reason`…" });

export const startDrillRequestSchema = z
  .strictObject({
    runbook: z.string().min(1).max(64).default("planned-switchover").meta({ description: "The runbook rehearsed; a planned switchover unless said" }),
    params: runParamsSchema,
    switchBack: z.boolean().default(false).meta({ description: "Switch the service back to its write region of before the drill at the end" }),
  })
  .meta({ id: "StartDrillRequest" });

export const canaryReportSchema = z
  .object({
    measured: z.boolean(),
    sentence: z.string(),
    acknowledged: z.int().optional(),
    refused: z.int().optional(),
    lost: z.int().optional(),
    lostIds: z.array(z.string()).optional(),
    lossWindowMs: z.int().optional(),
    observedRtoMs: z.int().nullable().optional(),
    outages: z
      .array(z.object({ from: z.iso.datetime(), to: z.iso.datetime().nullable(), ms: z.int().nullable(), before: z.string().nullable(), after: z.string().nullable() }))
      .optional(),
  })
  .meta({ id: "DrillCanary", description: "What the canary writer saw through the service's write route, or why none ran" });

export const budgetVerdictSchema = z
  .object({
    dataset: z.string(),
    budget: z.enum(["rto", "rpo"]),
    rule: z.string(),
    passed: z.boolean().nullable().meta({ description: "Null: not measured" }),
    observed: z.number().nullable().meta({ description: "RTO: milliseconds; RPO: lost writes (strong) or milliseconds of lost writes (eventual)" }),
    limit: z.number().meta({ description: "RTO: seconds; RPO: 0 lost writes (strong) or seconds (eventual)" }),
    sentence: z.string(),
  })
  .meta({ id: "BudgetVerdict" });

export const drillReportSchema = z
  .object({
    passed: z.boolean(),
    observedRtoMs: z.int().nullable().meta({ description: "From the canary when it measured one, else the run's own measurement" }),
    lostWrites: z.int().nullable().meta({ description: "Acknowledged canary writes missing on the final primary; null when no canary ran" }),
    canary: canaryReportSchema,
    runRto: observedRtoSchema.nullable(),
    switchBackRto: observedRtoSchema.nullable().meta({ description: "The switch back's own measurement from agents' reports (the canary's ledger spans it too)" }),
    verdicts: z.array(budgetVerdictSchema),
    steps: z.array(z.object({ run: z.enum(["drill", "switch-back"]), stepId: z.string(), title: z.string(), state: z.string(), durationMs: z.int().nullable() })),
    timeline: z.array(z.object({ at: z.iso.datetime(), what: z.string() })),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "DrillReport" });

export const drillSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    runbookId: z.string(),
    params: z.record(z.string(), z.string()),
    switchBack: z.boolean(),
    status: z.enum(DRILL_STATUSES),
    originalRegionId: z.string().nullable(),
    runId: z.string().nullable(),
    switchBackRunId: z.string().nullable(),
    scheduleId: z.string().nullable(),
    planId: z.string().nullable().meta({ description: "The plan drill this drill is one child run of" }),
    startedBy: z.string().nullable().meta({ description: "The person's email; null for a scheduled drill" }),
    reason: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    report: drillReportSchema.nullable(),
    approval: drillApprovalSchema.nullable().meta({ description: "Null when its service's policy did not require one" }),
  })
  .meta({ id: "Drill" });

export const drillListSchema = z.object({ drills: z.array(drillSchema.omit({ report: true, approval: true }).extend({ passed: z.boolean().nullable(), observedRtoMs: z.int().nullable(), lostWrites: z.int().nullable() })) }).meta({ id: "DrillList" });
export const drillIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const drillListQuerySchema = z.object({ serviceId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export const createDrillScheduleRequestSchema = z
  .strictObject({
    runbook: z.string().min(1).max(64).default("planned-switchover"),
    params: runParamsSchema,
    switchBack: z.boolean().default(true),
    everyDays: z.int({ error: "must be a whole number of days" }).min(1, { error: "must be at least 1 day" }).max(365, { error: "must be at most 365 days" }),
    inMaintenanceWindow: z.boolean().default(true).meta({ description: "Start only inside one of the service's maintenance windows" }),
    firstDueAt: z.iso.datetime({ error: "must be an ISO date-time" }).optional().meta({ description: "When the first drill is due; now unless said" }),
  })
  .meta({ id: "CreateDrillScheduleRequest" });

export const drillScheduleSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    runbookId: z.string(),
    params: z.record(z.string(), z.string()),
    switchBack: z.boolean(),
    everyDays: z.int(),
    inMaintenanceWindow: z.boolean(),
    nextDueAt: z.iso.datetime(),
    overdue: z.string().nullable().meta({ description: "Why it is overdue, when it is" }),
    disabledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "DrillSchedule" });

export const drillScheduleListSchema = z.object({ schedules: z.array(drillScheduleSchema) }).meta({ id: "DrillScheduleList" });
export const drillScheduleIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const disableDrillScheduleRequestSchema = z
  .strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(1000) })
  .meta({ id: "DisableDrillScheduleRequest" });
export const drillScheduleListQuerySchema = z.object({ serviceId: z.string().max(64).optional() });

export const recoveryHistorySchema = z
  .object({
    serviceId: z.string(),
    datasets: z.array(z.object({ name: z.string(), consistency: z.enum(["strong", "eventual"]), rpoSeconds: z.int(), rtoSeconds: z.int() })),
    points: z.array(
      z.object({
        at: z.iso.datetime(),
        kind: z.enum(["drill", "run"]).meta({ description: "A drill, or a run (planned or unplanned) that was not one" }),
        id: z.string().meta({ description: "The drill's id for a drill, else the run's" }),
        runbookId: z.string(),
        observedRtoSeconds: z.number().nullable(),
        lostWrites: z.int().nullable().meta({ description: "Measured by drills' canaries only" }),
        passed: z.boolean().nullable(),
      }),
    ),
  })
  .meta({ id: "RecoveryHistory", description: "Observed RTO and lost writes of a service's drills and real runs, with its datasets' budgets" });

export type DrillView = z.infer<typeof drillSchema>;
export type DrillApprovalView = z.infer<typeof drillApprovalSchema>;
export type DrillReportView = z.infer<typeof drillReportSchema>;
export type DrillScheduleView = z.infer<typeof drillScheduleSchema>;
export type RecoveryHistory = z.infer<typeof recoveryHistorySchema>;
export type DrillListView = z.infer<typeof drillListSchema>;
