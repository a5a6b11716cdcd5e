import { z } from "zod";

export const RUN_STATUSES = ["pending", "running", "waiting", "paused", "compensating", "succeeded", "failed", "aborted"] as const;
export const STEP_STATES = ["pending", "running", "waiting", "succeeded", "failed", "skipped"] as const;
export const ACTIVE_RUN_STATUSES = ["pending", "running", "waiting", "paused", "compensating"] as const;

export const runStepSchema = z
  .object({
    id: z.string(),
    stepId: z.string(),
    index: z.int(),
    phase: z.enum(["forward", "compensation"]),
    kind: z.string(),
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
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    primary: z.string().nullable(),
    target: z.string().nullable(),
    others: z.array(z.string()),
    fencedLsn: z.string().nullable(),
    observedRto: observedRtoSchema.nullable().meta({ description: "Null until the run finished" }),
    steps: z.array(runStepSchema),
  })
  .meta({ id: "Run" });

export const runListSchema = z.object({ runs: z.array(runSchema.omit({ steps: true })) }).meta({ id: "RunList" });

export const startRunRequestSchema = z
  .strictObject({
    params: z.record(z.string().max(64), z.string().max(2000)),
    dryRun: z.boolean().default(false).meta({ description: "Only plan: resolve and evaluate every check, change nothing" }),
  })
  .meta({ id: "StartRunRequest" });

export const stepDecisionSchema = z.strictObject({ note: z.string().trim().max(1000).optional() }).meta({ id: "StepDecision" });
export const runControlSchema = z.strictObject({ reason: z.string().trim().min(3, { error: "say why, in at least 3 characters" }).max(1000) }).meta({ id: "RunControl" });

export const runIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const runStepParamsSchema = z.object({ id: z.string().min(1).max(64), stepId: z.string().min(1).max(64) });
export const runListQuerySchema = z.object({ serviceId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export type RunView = z.infer<typeof runSchema>;
export type RunStepView = z.infer<typeof runStepSchema>;
