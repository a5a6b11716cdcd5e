import { z } from "zod";
import { PROMOTIONS } from "@/core/automation/promotion";
import { AGENT_COMMAND_KINDS } from "./agent-commands";
import { expectStatusSchema, GATE_POINTS, scriptArgsSchema } from "./hooks";

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

/** A `script` step names its script: the generic agent step cannot carry one. */
const RUNBOOK_AGENT_COMMANDS = AGENT_COMMAND_KINDS.filter((kind) => kind !== "script") as Exclude<(typeof AGENT_COMMAND_KINDS)[number], "script">[];

const commandSchema = z.strictObject({ command: z.enum(RUNBOOK_AGENT_COMMANDS), args: z.record(z.string(), z.unknown()).default({}) });

export const stepSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...stepBase, kind: z.literal("check"), condition: conditionSchema }),
  z.strictObject({ ...stepBase, kind: z.literal("wait"), condition: conditionSchema, pollSeconds: z.number().min(0.1).max(60).default(1) }),
  z.strictObject({
    ...stepBase,
    kind: z.literal("agent"),
    target: targetSchema,
    command: z.enum(RUNBOOK_AGENT_COMMANDS),
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
  /** POST to an endpoint of the hooks configuration, by name; succeeds on an expected status (any 2xx unless listed here or on the endpoint). */
  z.strictObject({ ...stepBase, kind: z.literal("http"), endpoint: slug, expectStatus: expectStatusSchema.optional() }),
  /** Has the target's agent run a script its own config allowlists by name, with `--name=value` arguments from run parameters or facts. */
  z.strictObject({ ...stepBase, kind: z.literal("script"), target: targetSchema, script: slug, args: scriptArgsSchema.default({}) }),
  /** Runs the service's hook for this point from the hooks configuration (an http call or a script), or is skipped when it has none. */
  z.strictObject({ ...stepBase, kind: z.literal("gate"), point: z.enum(GATE_POINTS) }),
]);

export type RunbookStep = z.infer<typeof stepSchema>;

/** Steps that may change the service or the outside world (a pre-failover gate comes before all of them). */
const CHANGING_STEP_KINDS: readonly string[] = ["agent", "route", "script", "http", "notify"];
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
    // A pre-failover gate may abort the run only before anything changed (Orchestrator's PreFailoverProcesses).
    const firstChange = definition.steps.findIndex((step) => CHANGING_STEP_KINDS.includes(step.kind));
    definition.steps.forEach((step, index) => {
      if (step.kind === "gate" && step.point === "pre-failover" && firstChange !== -1 && index > firstChange) {
        context.addIssue({ code: "custom", path: ["steps", index, "point"], message: `a pre-failover gate must come before step ${definition.steps[firstChange]!.id}, which changes the service` });
      }
    });
    // Governance decides it (the policy's failover.errantTransactions, server/runs/observe-step.ts), never a runbook's author.
    definition.steps.forEach((step, index) => {
      if (step.kind !== "agent") return;
      const commands = [{ path: ["steps", index, "args"], args: step.args }, ...(step.compensation ? [{ path: ["steps", index, "compensation", "args"], args: step.compensation.args }] : [])];
      for (const { path, args } of commands) {
        if ("errantTransactions" in args) {
          context.addIssue({ code: "custom", path: [...path, "errantTransactions"], message: "is the service's policy's to decide (failover.errantTransactions), not a runbook's" });
        }
      }
    });
    definition.steps.forEach((step, index) => {
      if (step.kind !== "script") return;
      for (const [name, arg] of Object.entries(step.args)) {
        if ("param" in arg && !definition.parameters[arg.param]) {
          context.addIssue({ code: "custom", path: ["steps", index, "args", name], message: `the runbook has no parameter ${arg.param}` });
        }
      }
    });
    for (const required of ["service"]) {
      if (!definition.parameters[required]) context.addIssue({ code: "custom", path: ["parameters"], message: `a runbook needs a "${required}" parameter` });
    }
  });

export type RunbookDefinition = z.infer<typeof runbookDefinitionSchema>;
