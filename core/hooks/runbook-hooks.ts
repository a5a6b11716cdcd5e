import type { GateHook, GatePoint, HooksConfig, ScriptArg } from "@/contracts/hooks";
import type { RunbookDefinition } from "@/contracts/runbooks";

/** A runbook step that names an endpoint or script the hooks configuration lacks. */
export interface HookProblem {
  field: string;
  message: string;
}

/**
 * What a runbook names that the hooks configuration does not define: the
 * runbook is refused at load with the step to blame, rather than failing in
 * the middle of a run.
 */
export function hookProblems(definition: RunbookDefinition, config: HooksConfig): HookProblem[] {
  return definition.steps.flatMap((step, index): HookProblem[] => {
    if (step.kind === "http" && !config.endpoints[step.endpoint]) {
      return [{ field: `steps.${index}.endpoint`, message: `step ${step.id}: no endpoint ${step.endpoint} is configured in the hooks configuration` }];
    }
    if (step.kind === "script" && !config.scripts[step.script]) {
      return [{ field: `steps.${index}.script`, message: `step ${step.id}: no script ${step.script} is configured in the hooks configuration` }];
    }
    return [];
  });
}

export type ServiceGates = Record<GatePoint, GateHook | null>;

/** The service's gates as configured when a run starts (the run keeps them, so a later edit does not change a run under way). */
export function serviceGates(config: HooksConfig, serviceId: string): ServiceGates {
  const gates = config.gates[serviceId];
  return { "pre-failover": gates?.["pre-failover"] ?? null, "post-failover": gates?.["post-failover"] ?? null };
}

/** What a script argument may be taken from besides the run's parameters, as the topology says when the command is issued. */
export type ScriptFacts = Record<string, string | null>;

const ARG_LIMIT = 1024;

/**
 * A script's argv: `--name=value` for each argument, sorted by name (the
 * stored definition is JSON whose key order the store does not keep).
 * Values never pass through a shell; one that is missing, too long or holds
 * a control character is refused rather than passed on.
 */
export function scriptArgv(args: Record<string, ScriptArg>, params: Readonly<Record<string, string | undefined>>, facts: ScriptFacts): { argv: string[] } | { problem: string } {
  const argv: string[] = [];
  for (const [name, source] of Object.entries(args).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const value = "param" in source ? params[source.param] : facts[source.fact];
    const from = "param" in source ? `parameter ${source.param}` : `fact ${source.fact}`;
    if (value === undefined || value === null || value === "") return { problem: `--${name}: the run has no ${from}` };
    if (value.length > ARG_LIMIT) return { problem: `--${name}: the ${from} is longer than ${ARG_LIMIT} characters` };
    if (/[\u0000-\u001f\u007f]/.test(value)) return { problem: `--${name}: the ${from} contains a control character` };
    argv.push(`--${name}=${value}`);
  }
  return { argv };
}

/** How much of a receiver's answer is kept in the step output and the audit trail. */
export const ANSWER_BODY_LIMIT = 2048;

export const boundedText = (text: string, limit = ANSWER_BODY_LIMIT) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

/** What one call to an endpoint came to: an answer, or no answer at all (unreachable, timed out). */
export type EndpointAnswer = { endpoint: string; status: number; body: string; durationMs: number } | { endpoint: string; unreachable: string; durationMs: number };

export function expectedStatus(status: number, expect: readonly number[] | undefined): boolean {
  return expect ? expect.includes(status) : status >= 200 && status < 300;
}

/**
 * The sentence a refusing receiver gave: a JSON body's `message` (or
 * `reason`), else the body's text, else just the status. It is what the run
 * page shows as the step's (and the run's) error.
 */
export function receiverMessage(body: string): string | null {
  const text = body.trim();
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") {
      const { message, reason } = parsed as { message?: unknown; reason?: unknown };
      if (typeof message === "string" && message.trim()) return boundedText(message.trim(), 500);
      if (typeof reason === "string" && reason.trim()) return boundedText(reason.trim(), 500);
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return boundedText(text.replace(/\s+/g, " "), 500);
}

/** Why an answer fails the step, or null when it is one the step expects. */
export function answerFailure(answer: EndpointAnswer, expect: readonly number[] | undefined): string | null {
  if ("unreachable" in answer) return `${answer.endpoint} could not be reached: ${answer.unreachable}`;
  if (expectedStatus(answer.status, expect)) return null;
  const message = receiverMessage(answer.body);
  return `${answer.endpoint} answered ${answer.status}${message ? `: ${message}` : ""}`;
}

/** The sentence a failed script gives: the last line of its stderr, else of its stdout. */
export function scriptMessage(output: { stdout?: unknown; stderr?: unknown } | null): string | null {
  for (const stream of [output?.stderr, output?.stdout]) {
    if (typeof stream !== "string") continue;
    const line = stream.trim().split("\n").at(-1)?.trim();
    if (line) return boundedText(line, 500);
  }
  return null;
}
