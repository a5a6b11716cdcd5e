import { z } from "zod";

/**
 * The control plane's hooks configuration (runbooks/README.md, "Hooks"): the
 * endpoints an `http` step may call, the script names a `script` step may ask
 * an agent to run, and each service's pre- and post-failover gates. A runbook
 * only names these; URLs, secrets and code never come from a runbook file.
 */

const hookName = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, { error: "must be lower-case letters, digits and dashes" });

/** HTTP statuses a call must answer with to succeed; any 2xx when none are listed. */
export const expectStatusSchema = z.array(z.int().min(100).max(599)).min(1).max(20);

export const hookEndpointSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /**
   * The HMAC-SHA-256 key the body is signed with, shared with the receiver.
   * `secretEnv` names an environment variable holding it instead, so the file
   * can be committed without it.
   */
  secret: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
  secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }).optional(),
  /** How long one call may take; a step's own timeout caps it too. */
  timeoutSeconds: z.number().min(0.1).max(60).default(10),
  expectStatus: expectStatusSchema.optional(),
  description: z.string().optional(),
});

/**
 * What a run parameter or a fact of the run becomes on a script's command
 * line (`--name=value`). Facts come from the topology when the command is
 * issued: the run's target and primary addresses, the service, its epoch.
 */
export const SCRIPT_FACTS = ["service", "epoch", "target.name", "target.host", "target.port", "target.region", "primary.name", "primary.host", "primary.port", "primary.region"] as const;
export const scriptArgSchema = z.union([z.strictObject({ param: z.string().regex(/^[a-z][a-z0-9_]*$/) }), z.strictObject({ fact: z.enum(SCRIPT_FACTS) })]);
export type ScriptArg = z.infer<typeof scriptArgSchema>;

/** An argument's name on the command line: `--target-host=…`. */
const argName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { error: "must be lower-case letters, digits and dashes" });
export const scriptArgsSchema = z.record(argName, scriptArgSchema);

export const hookScriptSchema = z.strictObject({ description: z.string().optional() });

/** Which replicas' agents run a script: resolved from the run like an agent step's target. */
export const SCRIPT_TARGETS = ["primary", "target", "other-standbys"] as const;

export const gateHookSchema = z.union([
  z.strictObject({ endpoint: hookName, expectStatus: expectStatusSchema.optional() }),
  z.strictObject({ script: hookName, target: z.enum(SCRIPT_TARGETS), args: scriptArgsSchema.default({}) }),
]);
export type GateHook = z.infer<typeof gateHookSchema>;

export const GATE_POINTS = ["pre-failover", "post-failover"] as const;
export type GatePoint = (typeof GATE_POINTS)[number];

export const hooksConfigSchema = z
  .strictObject({
    endpoints: z.record(hookName, hookEndpointSchema).default({}),
    scripts: z.record(hookName, hookScriptSchema).default({}),
    /** By service id: what the built-in runbooks' gate steps run. */
    gates: z.record(z.string().min(1), z.strictObject({ "pre-failover": gateHookSchema.optional(), "post-failover": gateHookSchema.optional() })).default({}),
  })
  .superRefine((config, context) => {
    for (const [name, endpoint] of Object.entries(config.endpoints)) {
      if ((endpoint.secret === undefined) === (endpoint.secretEnv === undefined)) {
        context.addIssue({ code: "custom", path: ["endpoints", name], message: "needs exactly one of secret or secretEnv" });
      }
    }
    for (const [service, gates] of Object.entries(config.gates)) {
      for (const point of GATE_POINTS) {
        const hook = gates[point];
        if (hook && "endpoint" in hook && !config.endpoints[hook.endpoint]) {
          context.addIssue({ code: "custom", path: ["gates", service, point, "endpoint"], message: `no endpoint ${hook.endpoint} is configured` });
        }
        if (hook && "script" in hook && !config.scripts[hook.script]) {
          context.addIssue({ code: "custom", path: ["gates", service, point, "script"], message: `no script ${hook.script} is configured` });
        }
      }
    }
  });

export type HooksConfig = z.infer<typeof hooksConfigSchema>;
export type HookEndpoint = z.infer<typeof hookEndpointSchema>;

export const EMPTY_HOOKS_CONFIG: HooksConfig = { endpoints: {}, scripts: {}, gates: {} };
