import { z } from "zod";
import { PROMOTIONS } from "@/core/automation/promotion";
import { AGENT_COMMAND_KINDS } from "./agent-commands";

/**
 * A runbook is data: a YAML file in runbooks/ validated by this schema. Steps
 * name their conditions and targets from a closed vocabulary implemented by
 * the engine, so a definition can arrange what the engine knows how to do but
 * cannot smuggle in code.
 */

const slug = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, { error: "must be lower-case letters, digits and dashes" });

export const PARAMETER_TYPES = ["service", "region", "text"] as const;

export const parameterSchema = z.strictObject({
  type: z.enum(PARAMETER_TYPES),
  description: z.string().min(1),
  required: z.boolean().default(true),
  minLength: z.int().min(0).optional(),
});

/** Facts about live state a check asserts or a wait waits for. */
export const CONDITIONS = [
  "target-is-standby",
  "target-streaming",
  "target-lag-within-policy",
  "target-is-sync-standby",
  "residency-allows-target",
  "target-promotable",
  "primary-reachable",
  "primary-unreachable",
  "target-replayed-fenced-lsn",
] as const;
export const conditionSchema = z.enum(CONDITIONS);
export type Condition = z.infer<typeof conditionSchema>;

/** Which replicas an agent step addresses, resolved from the parameters and the live topology. */
export const TARGETS = ["primary", "target", "other-standbys"] as const;
export const targetSchema = z.enum(TARGETS);

const retrySchema = z
  .strictObject({
    attempts: z.int().min(1).max(10).default(1),
    backoffSeconds: z.number().min(0).max(300).default(1),
    backoffFactor: z.number().min(1).max(10).default(2),
  })
  .default({ attempts: 1, backoffSeconds: 1, backoffFactor: 2 });

const stepBase = {
  id: slug,
  title: z.string().min(1),
  timeoutSeconds: z.int().min(1).max(86_400).default(60),
  retry: retrySchema,
  /** On failure: stop here, or also undo what earlier steps registered, in reverse. */
  onFailure: z.enum(["abort", "compensate"]).default("abort"),
};

const commandSchema = z.strictObject({ command: z.enum(AGENT_COMMAND_KINDS), args: z.record(z.string(), z.unknown()).default({}) });

export const stepSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...stepBase, kind: z.literal("check"), condition: conditionSchema }),
  z.strictObject({ ...stepBase, kind: z.literal("wait"), condition: conditionSchema, pollSeconds: z.number().min(0.1).max(60).default(1) }),
  z.strictObject({
    ...stepBase,
    kind: z.literal("agent"),
    target: targetSchema,
    command: z.enum(AGENT_COMMAND_KINDS),
    args: z.record(z.string(), z.unknown()).default({}),
    /** What undoes this step if a later one fails (registered once this one succeeds). */
    compensation: commandSchema.optional(),
  }),
  z.strictObject({ ...stepBase, kind: z.literal("route"), to: z.literal("target") }),
  z.strictObject({ ...stepBase, kind: z.literal("manual"), prompt: z.string().min(1) }),
  z.strictObject({
    ...stepBase,
    kind: z.literal("approval"),
    prompt: z.string().min(1),
    /** Only needed when this condition does not hold (e.g. a lagging candidate needs an override). */
    unless: conditionSchema.optional(),
  }),
  z.strictObject({ ...stepBase, kind: z.literal("notify"), message: z.string().min(1) }),
]);

export type RunbookStep = z.infer<typeof stepSchema>;
export type StepKindName = RunbookStep["kind"];

export const runbookDefinitionSchema = z
  .strictObject({
    id: slug,
    title: z.string().min(1),
    description: z.string().min(1),
    /** Required of a runbook that promotes: a planned promotion does not start the automation's cooldown (unless the policy says so). */
    promotion: z.enum(PROMOTIONS).optional(),
    parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), parameterSchema),
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((definition, context) => {
    if (definition.promotion === undefined && definition.steps.some((step) => step.kind === "agent" && step.command === "promote")) {
      context.addIssue({
        code: "custom",
        path: ["promotion"],
        message: "a runbook that promotes must say whether its promotion is planned (a person moves the primary on purpose) or unplanned (a failover)",
      });
    }
    const seen = new Set<string>();
    definition.steps.forEach((step, index) => {
      if (seen.has(step.id)) context.addIssue({ code: "custom", path: ["steps", index, "id"], message: `step id ${step.id} is used twice` });
      seen.add(step.id);
    });
    for (const required of ["service"]) {
      if (!definition.parameters[required]) context.addIssue({ code: "custom", path: ["parameters"], message: `a runbook needs a "${required}" parameter` });
    }
  });

export type RunbookDefinition = z.infer<typeof runbookDefinitionSchema>;
