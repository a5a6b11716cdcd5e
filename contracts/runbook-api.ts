import { z } from "zod";
import { PARAMETER_TYPES } from "./runbooks";

export const runbookProblemSchema = z
  .object({ file: z.string(), field: z.string().nullable(), message: z.string() })
  .meta({ id: "RunbookProblem", description: "A runbook file that could not be loaded" });

export const runbookSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    file: z.string(),
    contentHash: z.string().meta({ description: "SHA-256 of the definition's source text" }),
    parameters: z.record(z.string(), z.object({ type: z.enum(PARAMETER_TYPES), description: z.string(), required: z.boolean() })),
    steps: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string() })),
    source: z.string(),
  })
  .meta({ id: "Runbook" });

export const runbookListSchema = z
  .object({ runbooks: z.array(runbookSummarySchema), problems: z.array(runbookProblemSchema) })
  .meta({ id: "RunbookList" });

export const planRequestSchema = z
  .strictObject({ params: z.record(z.string().max(64), z.string().max(2000)) })
  .meta({ id: "PlanRequest" });

const conditionResultSchema = z.union([
  z.object({ name: z.string(), holds: z.boolean(), sentence: z.string() }),
  z.object({ name: z.string(), pending: z.string() }),
]);

export const runPlanSchema = z
  .object({
    runbookId: z.string(),
    contentHash: z.string(),
    params: z.record(z.string(), z.string().optional()),
    primary: z.string().nullable(),
    target: z.string().nullable(),
    targetChosenBy: z.enum(["parameter", "candidate selection"]).nullable(),
    others: z.array(z.string()),
    steps: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        title: z.string(),
        targets: z.array(z.string()),
        condition: conditionResultSchema.nullable(),
        needed: z.boolean(),
        hook: z.string().nullable().meta({ description: "For http, script and gate steps: what will be called or run" }),
      }),
    ),
    blockers: z.array(z.string()).meta({ description: "Why a run would stop before acting: failing checks, bad parameters" }),
    epoch: z.int(),
    policyVersion: z.int().nullable(),
    snapshotAt: z.iso.datetime(),
  })
  .meta({ id: "RunPlan", description: "A dry run: every step, its targets and what each check says now; nothing changed" });

export const runbookIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export type RunPlanView = z.infer<typeof runPlanSchema>;
export type RunbookSummary = z.infer<typeof runbookSummarySchema>;
