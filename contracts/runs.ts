import { z } from "zod";

export const RUN_STATUSES = ["pending", "scheduled", "running", "waiting", "paused", "compensating", "succeeded", "failed", "aborted", "cancelled", "refused"] as const;
export const STEP_STATES = ["pending", "running", "waiting", "succeeded", "failed", "skipped"] as const;
/** Runs that hold their service (one at a time); a scheduled run holds nothing until it starts. */
export const ACTIVE_RUN_STATUSES = ["pending", "running", "waiting", "paused", "compensating"] as const;

export const runStepSchema = z
  .object({
    id: z.string(),
    stepId: z.string(),
    index: z.int(),
    phase: z.enum(["forward", "compensation"]),
    kind: z.string(),
    command: z.string().nullable().meta({ description: "The agent command an agent step (or its compensation) sends; null for other kinds" }),
    title: z.string(),
    state: z.enum(STEP_STATES),
    attempts: z.int(),
    targets: z.array(z.string()).meta({ description: "Names of the replicas the step acts on" }),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    deadlineAt: z.iso.datetime().nullable(),
    output: z.unknown().nullable(),
    error: z.string().nullable(),
    decidedBy: z.string().nullable().meta({ description: "Who confirmed, approved or rejected the step" }),
    note: z.string().nullable(),
  })
  .meta({ id: "RunStep" });

export const observedRtoSchema = z
  .object({
    method: z.string().meta({ description: "How it was measured (core/drills/observed-rto.ts RTO_METHODS)" }),
    ms: z.int().nullable().meta({ description: "Milliseconds no replica took the service's writes; null when not measured" }),
    from: z.iso.datetime().nullable(),
    to: z.iso.datetime().nullable(),
    sentence: z.string(),
  })
  .meta({ id: "ObservedRto", description: "What users saw of a run: how long writes were refused, measured when it finished" });

export const runSchema = z
  .object({
    id: z.string(),
    runbookId: z.string(),
    contentHash: z.string(),
    serviceId: z.string(),
    params: z.record(z.string(), z.string()),
    mode: z.enum(["guided", "automatic"]),
    status: z.enum(RUN_STATUSES),
    actorType: z.enum(["user", "automation"]).meta({ description: "Who started the run: a person, or the automation's decider" }),
    startedBy: z.string().nullable().meta({ description: "The person's email; null for the automation" }),
    reason: z.string().nullable(),
    planId: z.string().nullable().meta({ description: "The region evacuation plan that started the run, if one did" }),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    scheduledAt: z.iso.datetime().nullable().meta({ description: "When a scheduled run is (or was) to start; null for a run started at once" }),
    inMaintenanceWindow: z.boolean().meta({ description: "The scheduled run starts only inside one of its policy's maintenance windows" }),
    primary: z.string().nullable(),
    target: z.string().nullable(),
    others: z.array(z.string()),
    fencedLsn: z.string().nullable(),
    observedRto: observedRtoSchema.nullable().meta({ description: "Null until the run finished" }),
    steps: z.array(runStepSchema),
    generatedAt: z.iso.datetime().meta({ description: "When the server read this run: the time the page shows it as of" }),
  })
  .meta({ id: "Run" });

export const runListSchema = z.object({ runs: z.array(runSchema.omit({ steps: true, generatedAt: true })) }).meta({ id: "RunList" });

export const startRunRequestSchema = z
  .strictObject({
    params: z.record(z.string().max(64), z.string().max(2000)),
    dryRun: z.boolean().default(false).meta({ description: "Only plan: resolve and evaluate every check, change nothing" }),
    scheduledAt: z.iso
      .datetime({ offset: true, error: "must be an ISO 8601 time, e.g. 2030-01-01T02:00:00Z" })
      .optional()
      .meta({
        description:
          "Start the run at this time instead of now. Its pre-checks are run again then and the run is refused (with an alert) if they fail; scheduling confirms the runbook's manual steps in advance",
      }),
    inMaintenanceWindow: z.boolean().default(false).meta({ description: "With scheduledAt: start only inside one of the service policy's maintenance windows" }),
  })
  .refine((body) => !(body.dryRun && body.scheduledAt), { path: ["dryRun"], error: "a dry run plans now and cannot be scheduled; leave out dryRun or scheduledAt" })
  .refine((body) => !body.inMaintenanceWindow || body.scheduledAt, { path: ["inMaintenanceWindow"], error: "needs scheduledAt: the time to start inside a window" })
  .meta({ id: "StartRunRequest" });

export const stepDecisionSchema = z.strictObject({ note: z.string().trim().max(1000).optional() }).meta({ id: "StepDecision" });
export const runControlSchema = z.strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(1000) }).meta({ id: "RunControl" });

export const runIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const runStepParamsSchema = z.object({ id: z.string().min(1).max(64), stepId: z.string().min(1).max(64) });
export const runListQuerySchema = z.object({ serviceId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export type RunView = z.infer<typeof runSchema>;
export type RunStepView = z.infer<typeof runStepSchema>;
