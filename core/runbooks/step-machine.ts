import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { RunbookStep, StepKindName as StepKind } from "@/contracts/runbooks";
import { answerFailure, type EndpointAnswer } from "../hooks/runbook-hooks";
import { commandsOutcome, type CommandState } from "./command-outcome";
import { evaluateCondition, type ConditionResult, type RunContext as ConditionContext } from "./conditions";
import { crossCheckPromotion, type PromotionEvidence } from "./promotion-checks";
import { backoffMs, mayRetry } from "./retry";
import type { RunContext, RunSchedule } from "./run-context";

/**
 * A run's steps as a declared state machine: the table says which moves
 * exist (step kind, state, the condition that was found) and the pure
 * `nextStepMove` says which one the engine makes now, with the effects to
 * carry out in the same transaction. The engine (server/runs/advance-run.ts)
 * only reads, calls this, and writes.
 */

export const STEP_KINDS = ["check", "wait", "agent", "route", "manual", "approval", "notify", "http", "script", "gate"] as const satisfies readonly StepKind[];

/** What the store holds (contracts/runs STEP_STATES). */
export type StoredStepState = "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped";

/**
 * The machine's states: the stored ones, and `retrying`, a failed attempt
 * with attempts left, stored as pending with attempts made and a backoff.
 */
export const STEP_MACHINE_STATES = ["pending", "running", "waiting", "retrying", "succeeded", "failed", "skipped"] as const;
export type StepState = (typeof STEP_MACHINE_STATES)[number];
export const TERMINAL_STEP_STATES: readonly StepState[] = ["succeeded", "failed", "skipped"];

export const stepStateOf = (row: { state: StoredStepState; attempts: number }): StepState => (row.state === "pending" && row.attempts > 0 ? "retrying" : row.state);
export const storedStateOf = (state: StepState): StoredStepState => (state === "retrying" ? "pending" : state);

export interface StepTransition {
  id: string;
  kinds: readonly StepKind[];
  from: readonly StepState[];
  to: StepState;
  /** Who makes the move: the engine, or a person's decision (server/runs/step-decisions.ts). */
  by: "engine" | "person";
  sentence: string;
}

const ANY_KIND = STEP_KINDS;
const ACTIVE: readonly StepState[] = ["running", "waiting"];
/** Steps that act through agent commands: a gate does when its hook is a script. */
const COMMANDING: readonly StepKind[] = ["agent", "script", "gate"];
/** Steps that call an endpoint of the hooks configuration: a gate does when its hook is one. */
const CALLING: readonly StepKind[] = ["http", "gate"];

/**
 * Every move a step can make. Ids are stable and name the condition found:
 * audit events and tests refer to them. A row leading to `failed` leads to
 * `retrying` instead while the step has attempts left (`retry-failed-attempt`).
 */
const STEP_TABLE = [
  { id: "start-attempt", kinds: ANY_KIND, from: ["pending"], to: "running", by: "engine", sentence: "A pending step starts its first attempt, due by the step's timeout." },
  { id: "retry-after-backoff", kinds: ANY_KIND, from: ["retrying"], to: "running", by: "engine", sentence: "A step whose attempt failed starts its next attempt once the backoff has passed." },
  {
    id: "retry-failed-attempt",
    kinds: ANY_KIND,
    from: ACTIVE,
    to: "retrying",
    by: "engine",
    sentence: "An attempt that failed, of a step with attempts left, is retried after the backoff instead of failing the step.",
  },
  { id: "condition-holds", kinds: ["check", "wait"], from: ACTIVE, to: "succeeded", by: "engine", sentence: "The condition a check asserts or a wait waits for holds." },
  { id: "check-fails", kinds: ["check"], from: ["running"], to: "failed", by: "engine", sentence: "The condition a check asserts does not hold, or cannot be known yet." },
  { id: "condition-awaited", kinds: ["wait"], from: ACTIVE, to: "waiting", by: "engine", sentence: "The condition a wait waits for does not hold yet, and the step's deadline has not passed." },
  { id: "condition-timed-out", kinds: ["wait"], from: ACTIVE, to: "failed", by: "engine", sentence: "The condition a wait waits for still does not hold at the step's deadline." },
  {
    id: "answered-by-policy",
    kinds: ["manual"],
    from: ACTIVE,
    to: "succeeded",
    by: "engine",
    sentence: "An automatic run answers a manual step by policy: what the person would confirm is established otherwise.",
  },
  {
    id: "confirmed-in-advance",
    kinds: ["manual"],
    from: ACTIVE,
    to: "succeeded",
    by: "engine",
    sentence:
      "A run a plan or a drill schedule started has its manual steps confirmed by the person who started the plan after seeing its dry run, or created the schedule; approvals still need a second person.",
  },
  {
    id: "confirmed-when-scheduled",
    kinds: ["manual"],
    from: ACTIVE,
    to: "succeeded",
    by: "engine",
    sentence: "A scheduled run's manual step was confirmed by the person who scheduled it: scheduling is the confirmation, given in advance.",
  },
  { id: "approval-not-needed", kinds: ["approval"], from: ACTIVE, to: "skipped", by: "engine", sentence: "An approval's `unless` condition holds, so there is no risk to accept." },
  {
    id: "no-self-approval",
    kinds: ["approval"],
    from: ACTIVE,
    to: "failed",
    by: "engine",
    sentence: "An automatic run never accepts a risk for itself: an approval it reaches fails, for a person to run the failover.",
  },
  { id: "person-awaited", kinds: ["manual", "approval"], from: ACTIVE, to: "waiting", by: "engine", sentence: "A manual or approval step waits for a person's decision until its deadline." },
  { id: "nobody-decided", kinds: ["manual", "approval"], from: ACTIVE, to: "failed", by: "engine", sentence: "Nobody confirmed, approved or rejected the step by its deadline." },
  { id: "person-confirmed", kinds: ["manual"], from: ["waiting"], to: "succeeded", by: "person", sentence: "A person confirmed the manual step while it waited." },
  { id: "person-approved", kinds: ["approval"], from: ["waiting"], to: "succeeded", by: "person", sentence: "A second person approved the exception while the step waited." },
  { id: "person-rejected", kinds: ["approval"], from: ["waiting"], to: "failed", by: "person", sentence: "A second person rejected the exception while the step waited." },
  { id: "no-replica-to-act-on", kinds: COMMANDING, from: ["running"], to: "skipped", by: "engine", sentence: "An agent step whose target resolved to no replica has nothing to do." },
  { id: "command-unresolvable", kinds: COMMANDING, from: ACTIVE, to: "failed", by: "engine", sentence: "The command's arguments cannot be resolved from the topology (no target to follow, or no write route)." },
  {
    id: "old-primary-lease-held",
    kinds: ["agent"],
    from: ACTIVE,
    to: "waiting",
    by: "engine",
    sentence: "A promotion waits while the old primary's self-fencing lease may still be held (design rule \"one-writable-primary\"), unless this run fenced it.",
  },
  {
    id: "old-primary-lease-outlasts-step",
    kinds: ["agent"],
    from: ACTIVE,
    to: "failed",
    by: "engine",
    sentence: "The old primary's lease may still be held at the promotion step's deadline: the promotion is refused.",
  },
  {
    id: "residency-refuses-target",
    kinds: ["agent", "route"],
    from: ACTIVE,
    to: "failed",
    by: "engine",
    sentence: "A dataset's residency rules exclude the target's region: the write role does not move there, whatever the runbook checked, and the refusal is audited.",
  },
  { id: "promotion-unprovable", kinds: ["agent"], from: ACTIVE, to: "failed", by: "engine", sentence: "The run has no primary or no target to cross-check a promotion against." },
  {
    id: "promotion-refused",
    kinds: ["agent"],
    from: ACTIVE,
    to: "failed",
    by: "engine",
    sentence: "A cross-check of the positions the promotion relies on refuses it, or still waits at the deadline (design rules \"no-acknowledged-write-lost\" and \"claims-cross-checked\").",
  },
  {
    id: "promotion-corroboration-awaited",
    kinds: ["agent"],
    from: ACTIVE,
    to: "waiting",
    by: "engine",
    sentence: "A cross-check waits for a report that corroborates the target's position, until the step's deadline.",
  },
  {
    id: "promotion-proven",
    kinds: ["agent"],
    from: ACTIVE,
    to: "waiting",
    by: "engine",
    sentence: "Zero loss is proven and the old primary cannot write: the epoch moves and the promote command is issued under it, then the step waits for the answer.",
  },
  { id: "commands-issued", kinds: COMMANDING, from: ACTIVE, to: "waiting", by: "engine", sentence: "The step's commands are issued to the agents of its targets, then the step waits for their answers." },
  { id: "commands-awaited", kinds: COMMANDING, from: ACTIVE, to: "waiting", by: "engine", sentence: "Some agent has not answered yet, and the step's deadline has not passed." },
  { id: "commands-unanswered", kinds: COMMANDING, from: ACTIVE, to: "failed", by: "engine", sentence: "Some agent had not answered by the step's deadline." },
  { id: "command-failed", kinds: COMMANDING, from: ACTIVE, to: "failed", by: "engine", sentence: "A command failed, was refused or expired." },
  {
    id: "commands-answered",
    kinds: COMMANDING,
    from: ACTIVE,
    to: "succeeded",
    by: "engine",
    sentence: "Every command succeeded: a fence's final position and the step's undo are recorded on the run.",
  },
  { id: "route-has-no-target", kinds: ["route"], from: ["running"], to: "failed", by: "engine", sentence: "The run has no target to route writes to." },
  { id: "writes-routed", kinds: ["route"], from: ["running"], to: "succeeded", by: "engine", sentence: "The write route moves to the target, which becomes the primary in the topology." },
  { id: "webhook-unconfigured", kinds: ["notify"], from: ["running"], to: "skipped", by: "engine", sentence: "No notification webhook is configured." },
  { id: "webhook-posted", kinds: ["notify"], from: ["running"], to: "succeeded", by: "engine", sentence: "The notification webhook accepted the message." },
  { id: "webhook-failed", kinds: ["notify"], from: ["running"], to: "failed", by: "engine", sentence: "The notification webhook could not be reached or refused the message." },
  { id: "no-gate-configured", kinds: ["gate"], from: ["running"], to: "skipped", by: "engine", sentence: "The service has no hook at this gate in the hooks configuration the run started with." },
  {
    id: "endpoint-unconfigured",
    kinds: CALLING,
    from: ["running"],
    to: "failed",
    by: "engine",
    sentence: "The endpoint the step names is not in the hooks configuration any more (or its secret is not set): nothing is called.",
  },
  {
    id: "endpoint-answered",
    kinds: CALLING,
    from: ["running"],
    to: "succeeded",
    by: "engine",
    sentence: "The endpoint answered the signed call with a status the step expects; the status and a bounded body are the step's output.",
  },
  {
    id: "endpoint-refused",
    kinds: CALLING,
    from: ["running"],
    to: "failed",
    by: "engine",
    sentence: "The endpoint answered with a status the step does not expect (a gate's refusal, a 5xx): its answer is recorded and its message is the step's error.",
  },
  { id: "endpoint-unreachable", kinds: CALLING, from: ["running"], to: "failed", by: "engine", sentence: "The endpoint could not be reached or did not answer within its timeout." },
] as const satisfies readonly StepTransition[];

export type StepRuleId = (typeof STEP_TABLE)[number]["id"];
export const STEP_TRANSITIONS: readonly (StepTransition & { id: StepRuleId })[] = STEP_TABLE;

export function stepTransition(id: StepRuleId): StepTransition {
  return STEP_TRANSITIONS.find((row) => row.id === id)!;
}

/** The stored step as the machine reads it. */
export interface StepRow {
  state: StoredStepState;
  attempts: number;
  startedAt: Date | null;
  deadlineAt: Date | null;
  nextAttemptAt: Date | null;
  /** Replica ids the step acts on. */
  targets: readonly string[];
}

/** An agent command of the step's current attempt. */
export interface IssuedCommand extends CommandState {
  replicaId: string;
  output: unknown;
}

/** What the engine read for the step before deciding; each field only for the steps that need it, else null. */
export interface StepObservation {
  /** The service snapshot and the run's replicas in it: conditions, and the residency of a promotion or route target. */
  conditions: ConditionContext | null;
  /** Agent steps: this attempt's commands, and the command's arguments resolved (or why they cannot be). */
  agent: { commands: readonly IssuedCommand[]; args: { args: Record<string, unknown> } | { problem: string } } | null;
  /** A promotion not issued yet: the old primary's lease (the sentence while it may still be held), and the evidence for the cross-checks. */
  promotion: { leaseHeld: string | null; leaseSentence: string | null; evidence: PromotionEvidence | { problem: string } } | null;
  /** Notify steps: whether a webhook is configured, and what posting answered when it failed. */
  webhook: { configured: boolean; failure: string | null } | null;
  /**
   * Steps that call an endpoint: whether it is configured (with its secret),
   * and what the call answered once it was made (null before).
   */
  http: { configured: boolean; answer: EndpointAnswer | null } | null;
}

export interface StepMoveInput {
  run: { mode: "guided" | "automatic"; context: RunContext };
  step: RunbookStep;
  stepRun: StepRow;
  observed: StepObservation;
  now: Date;
}

export interface ResidencyRefusal {
  action: "promote" | "route";
  target: { id: string; name: string; regionId: string; jurisdiction: string };
  sentence: string;
}

/** What the engine carries out in the move's transaction (a webhook is posted before it). */
export type StepEffect =
  | { kind: "issue-command"; replicaId: string; command: AgentCommandKind; args: Record<string, unknown> }
  | { kind: "promote"; replicaId: string; args: Record<string, unknown>; proof: Record<string, unknown> }
  | { kind: "refuse-residency"; refusal: ResidencyRefusal }
  | { kind: "route-writes"; targetId: string }
  | { kind: "post-webhook"; message: string }
  | { kind: "call-endpoint"; endpoint: string; expect: readonly number[] | undefined }
  | { kind: "record-context"; context: RunContext };

/** The step's stored fields after the move (`output` of a route or webhook is what carrying it out found). */
export interface StepWrite {
  state: StoredStepState;
  attempts?: number;
  startedAt?: Date;
  deadlineAt?: Date;
  nextAttemptAt?: Date | null;
  finishedAt?: Date;
  output?: unknown;
  error?: string | null;
}

export interface StepMove {
  /** The row that matched; `cause` is the failing row when the retry row turned a failure into a retry. */
  rule: StepRuleId;
  cause: StepRuleId | null;
  from: StepState;
  to: StepState;
  reason: string | null;
  write: StepWrite;
  effects: StepEffect[];
  /** The run.step audit event, unless the state stays (or an effect's own event records it, as the route switch does). */
  audit: { state: string; reason: string | null; detail: Record<string, unknown> } | null;
}

/** A finding before the retry rule and the stored fields are worked out. */
interface Finding {
  rule: StepRuleId;
  reason?: string;
  output?: unknown;
  effects?: StepEffect[];
}

export const AUTOMATIC_CONFIRMATION =
  "answered by policy (automatic failover): the loss was confirmed by a quorum of witnesses, and the promotion waits until the old primary's self-fencing lease has lapsed";

const scheduledConfirmation = (schedule: RunSchedule) => `confirmed in advance by ${schedule.by}, who scheduled the run for ${schedule.scheduledAt}`;

const deadlinePassed = ({ stepRun, now }: StepMoveInput) => stepRun.deadlineAt !== null && now > stepRun.deadlineAt;

function condition(input: StepMoveInput, name: Parameters<typeof evaluateCondition>[0]): ConditionResult {
  if (!input.observed.conditions) throw new Error(`the engine read no snapshot for step ${input.step.id}`);
  return evaluateCondition(name, input.observed.conditions);
}

const holds = (result: ConditionResult): result is { holds: true; sentence: string } => "holds" in result && result.holds;
const saysWhy = (result: ConditionResult) => ("pending" in result ? result.pending : result.sentence);

function residencyRefusal(input: StepMoveInput, action: ResidencyRefusal["action"]): ResidencyRefusal | null {
  const result = condition(input, "residency-allows-target");
  const target = input.observed.conditions?.target;
  if (!("holds" in result) || result.holds || !target) return null;
  return { action, target: { id: target.id, name: target.name, regionId: target.regionId, jurisdiction: target.jurisdiction }, sentence: result.sentence };
}

const refused = (refusal: ResidencyRefusal): Finding => ({
  rule: "residency-refuses-target",
  reason: `refusing to ${refusal.action === "promote" ? "promote" : "route writes to"} ${refusal.target.name}: ${refusal.sentence}`,
  effects: [{ kind: "refuse-residency", refusal }],
});

function promote(input: StepMoveInput, missing: readonly string[], args: Record<string, unknown>): Finding {
  const { step, observed } = input;
  const promotion = observed.promotion;
  if (!promotion) throw new Error(`the engine read no promotion evidence for step ${step.id}`);
  if (promotion.leaseHeld) {
    return deadlinePassed(input) ? { rule: "old-primary-lease-outlasts-step", reason: `refusing to promote: ${promotion.leaseHeld}` } : { rule: "old-primary-lease-held" };
  }
  const refusal = residencyRefusal(input, "promote");
  if (refusal) return refused(refusal);
  const evidence = promotion.evidence;
  if ("problem" in evidence) return { rule: "promotion-unprovable", reason: evidence.problem };
  const checked = crossCheckPromotion(evidence);
  if (!checked.promote) {
    if (checked.waiting && !deadlinePassed(input)) return { rule: "promotion-corroboration-awaited" };
    return { rule: "promotion-refused", reason: `refusing to promote: ${checked.sentence}${checked.waiting ? ` (still so after ${step.timeoutSeconds} s)` : ""}` };
  }
  const proof = {
    fencedPrimaryFinalLsn: input.run.context.fencedLsn,
    candidateReplayedLsn: evidence.targetReport?.replayedLsn?.toString() ?? null,
    candidate: evidence.target,
    oldPrimaryLease: promotion.leaseSentence ?? "fenced by this run",
    crossChecked: checked.proof,
    ...(evidence.notation ? { positionNotation: evidence.notation } : {}),
  };
  return { rule: "promotion-proven", effects: missing.map((replicaId) => ({ kind: "promote", replicaId, args, proof })) };
}

/** What an agent step, a script step or a script gate sends: the command and, for an agent step, its undo. */
interface CommandingStep {
  id: string;
  command: AgentCommandKind;
  timeoutSeconds: number;
  compensation?: { command: AgentCommandKind; args: Record<string, unknown> };
}

function agentStep(input: StepMoveInput, step: CommandingStep): Finding {
  const { stepRun, observed, run } = input;
  if (stepRun.targets.length === 0) return { rule: "no-replica-to-act-on", output: { reason: "no replica to act on" } };
  if (!observed.agent) throw new Error(`the engine read no commands for step ${step.id}`);
  const { commands, args } = observed.agent;
  if ("problem" in args) return { rule: "command-unresolvable", reason: args.problem };
  const missing = stepRun.targets.filter((replicaId) => !commands.some((command) => command.replicaId === replicaId));
  if (missing.length && step.command === "promote") return promote(input, missing, args.args);
  if (missing.length) {
    return { rule: "commands-issued", effects: missing.map((replicaId) => ({ kind: "issue-command", replicaId, command: step.command, args: args.args })) };
  }
  const outcome = commandsOutcome(commands);
  const outputs = () => Object.fromEntries(commands.map((command) => [command.replica, command.output]));
  // A failed script's exit code and output are what whoever reads the run needs most.
  if (outcome.state === "failed") return { rule: "command-failed", reason: outcome.reason, ...(step.command === "script" ? { output: outputs() } : {}) };
  if (outcome.state === "waiting") {
    if (deadlinePassed(input)) return { rule: "commands-unanswered", reason: `no answer from ${stepRun.targets.length > 1 ? "every agent" : "the agent"} within ${step.timeoutSeconds} s` };
    return { rule: "commands-awaited" };
  }
  const fence = step.command === "fence" ? (commands[0]?.output as { finalLsn?: string } | null) : null;
  const compensation = step.compensation ? { stepId: step.id, command: step.compensation.command, args: step.compensation.args, replicaIds: [...stepRun.targets] } : null;
  const context: RunContext = {
    ...run.context,
    fencedLsn: fence?.finalLsn ?? run.context.fencedLsn,
    compensations: compensation ? [...run.context.compensations, compensation] : run.context.compensations,
  };
  return {
    rule: "commands-answered",
    output: outputs(),
    effects: [{ kind: "record-context", context }],
  };
}

/** A call to an endpoint: made by the move's effect, then decided again on its answer when that fails the step. */
function callFinding(input: StepMoveInput, endpoint: string, expect: readonly number[] | undefined): Finding {
  const http = input.observed.http;
  if (!http) throw new Error(`the engine read no endpoint for step ${input.step.id}`);
  if (!http.configured) return { rule: "endpoint-unconfigured", reason: `no endpoint ${endpoint} (with its secret) is in the hooks configuration` };
  const { answer } = http;
  if (!answer) return { rule: "endpoint-answered", effects: [{ kind: "call-endpoint", endpoint, expect }] };
  const failure = answerFailure(answer, expect);
  if (!failure) return { rule: "endpoint-answered", output: answer };
  return { rule: "unreachable" in answer ? "endpoint-unreachable" : "endpoint-refused", reason: failure, output: answer };
}

/** What the current attempt of a running (or waiting) step finds now. */
function attemptFinding(input: StepMoveInput): Finding {
  const { step, run } = input;
  switch (step.kind) {
    case "check": {
      const result = condition(input, step.condition);
      if (holds(result)) return { rule: "condition-holds", output: { condition: step.condition, sentence: result.sentence } };
      return { rule: "check-fails", reason: "pending" in result ? `cannot be checked yet: ${result.pending}` : result.sentence };
    }
    case "wait": {
      const result = condition(input, step.condition);
      if (holds(result)) return { rule: "condition-holds", output: { condition: step.condition, sentence: result.sentence } };
      if (deadlinePassed(input)) return { rule: "condition-timed-out", reason: `timed out after ${step.timeoutSeconds} s: ${saysWhy(result)}` };
      return { rule: "condition-awaited" };
    }
    case "manual":
      if (run.mode === "automatic") return { rule: "answered-by-policy", output: { answeredBy: "policy", note: AUTOMATIC_CONFIRMATION } };
      if (run.context.confirmedInAdvance) return { rule: "confirmed-in-advance", output: { answeredBy: "in advance", note: run.context.confirmedInAdvance } };
      if (run.context.schedule) return { rule: "confirmed-when-scheduled", output: { answeredBy: "schedule", note: scheduledConfirmation(run.context.schedule) } };
      if (deadlinePassed(input)) return { rule: "nobody-decided", reason: `nobody confirmed within ${step.timeoutSeconds} s` };
      return { rule: "person-awaited" };
    case "approval": {
      const unless = step.unless ? condition(input, step.unless) : null;
      if (unless && holds(unless)) return { rule: "approval-not-needed", output: { reason: `not needed: ${unless.sentence}` } };
      if (run.mode === "automatic") return { rule: "no-self-approval", reason: "an automatic run cannot approve its own exception; a person must run this failover" };
      if (deadlinePassed(input)) return { rule: "nobody-decided", reason: `no approval within ${step.timeoutSeconds} s` };
      return { rule: "person-awaited" };
    }
    case "agent":
      return agentStep(input, step);
    case "script":
      return agentStep(input, { id: step.id, command: "script", timeoutSeconds: step.timeoutSeconds });
    case "http":
      return callFinding(input, step.endpoint, step.expectStatus);
    case "gate": {
      const hook = run.context.gates[step.point];
      if (!hook) return { rule: "no-gate-configured", output: { reason: `the service has no ${step.point} gate` } };
      if ("endpoint" in hook) return callFinding(input, hook.endpoint, hook.expectStatus);
      return agentStep(input, { id: step.id, command: "script", timeoutSeconds: step.timeoutSeconds });
    }
    case "route": {
      const targetId = run.context.targetId;
      if (!targetId) return { rule: "route-has-no-target", reason: "the run has no target to route writes to" };
      const refusal = residencyRefusal(input, "route");
      if (refusal) return refused(refusal);
      return { rule: "writes-routed", effects: [{ kind: "route-writes", targetId }] };
    }
    case "notify": {
      const webhook = input.observed.webhook;
      if (!webhook?.configured) return { rule: "webhook-unconfigured", output: { reason: "no webhook is configured (SWITCHYARD_NOTIFY_URL)" } };
      if (webhook.failure) return { rule: "webhook-failed", reason: `webhook ${webhook.failure}` };
      return { rule: "webhook-posted", effects: [{ kind: "post-webhook", message: step.message }] };
    }
  }
}

/**
 * Findings that wait on what the replicas' agents report: the engine asks
 * those agents for a report now rather than waiting for their next interval,
 * and looks again soon. Asking changes nothing a decision rests on: the
 * report asked for is a report like any other, read and cross-checked the same way.
 */
export const FRESH_REPORT_RULES = [
  {
    id: "condition-awaited",
    sentence: "A wait step's condition (e.g. the target replayed the fenced primary's final position) is read from the replicas' latest reports: a fresh one can make it hold.",
  },
  {
    id: "promotion-corroboration-awaited",
    sentence: "A promotion's cross-check waits for a report corroborating the target's position (the primary's view of it, the target's own): a fresh one can supply it.",
  },
] as const satisfies readonly { id: StepRuleId; sentence: string }[];

/**
 * Whether the current attempt of a running or waiting step waits on the
 * replicas' reports (FRESH_REPORT_RULES), so fresh ones are worth asking for.
 */
export function awaitsReports(input: StepMoveInput): boolean {
  const from = stepStateOf(input.stepRun);
  if (from !== "running" && from !== "waiting") return false;
  if (input.step.kind !== "wait" && !(input.step.kind === "agent" && input.step.command === "promote")) return false;
  const { rule } = attemptFinding(input);
  return FRESH_REPORT_RULES.some((row) => row.id === rule);
}

/**
 * The engine's next move for a step of an active run: start an attempt,
 * conclude it, or wait; null when nothing changes now (a backoff not over, a
 * step already waiting that still waits, a step already concluded).
 */
export function nextStepMove(input: StepMoveInput): StepMove | null {
  const { step, stepRun, now } = input;
  const from = stepStateOf(stepRun);
  if (TERMINAL_STEP_STATES.includes(from)) return null;
  if (from === "pending" || from === "retrying") {
    if (stepRun.nextAttemptAt && stepRun.nextAttemptAt > now) return null;
    const attempt = stepRun.attempts + 1;
    return {
      rule: from === "pending" ? "start-attempt" : "retry-after-backoff",
      cause: null,
      from,
      to: "running",
      reason: null,
      write: { state: "running", attempts: attempt, startedAt: stepRun.startedAt ?? now, deadlineAt: new Date(now.getTime() + step.timeoutSeconds * 1000), nextAttemptAt: null },
      effects: [],
      audit: { state: "running", reason: null, detail: { attempt } },
    };
  }
  const finding = attemptFinding(input);
  const row = stepTransition(finding.rule);
  if (row.by !== "engine" || !row.from.includes(from)) throw new Error(`step ${step.id}: ${row.id} does not move a ${step.kind} step that is ${from}`);
  const effects = finding.effects ?? [];
  const reason = finding.reason ?? null;
  const base = { cause: null, from, reason, effects };
  switch (row.to) {
    case "waiting":
      if (from === "waiting" && effects.length === 0) return null;
      return { ...base, rule: finding.rule, to: "waiting", write: { state: "waiting" }, audit: from === "waiting" ? null : { state: "waiting", reason: null, detail: {} } };
    case "succeeded":
    case "skipped": {
      const output = finding.output ?? null;
      // The route switch records itself (service.route) in the same transaction.
      const audit = finding.rule === "writes-routed" ? null : { state: row.to, reason: null, detail: { output } };
      return { ...base, rule: finding.rule, to: row.to, write: { state: row.to, output, finishedAt: now, error: null }, audit };
    }
    case "failed": {
      // What a failed call or script answered is kept, for the run page and the audit trail.
      const failedOutput = finding.output === undefined ? {} : { output: finding.output };
      if (mayRetry(step.retry, stepRun.attempts)) {
        const nextAttemptAt = new Date(now.getTime() + backoffMs(step.retry, stepRun.attempts + 1));
        return {
          ...base,
          rule: "retry-failed-attempt",
          cause: finding.rule,
          to: "retrying",
          write: { state: "pending", nextAttemptAt, error: reason, ...failedOutput },
          audit: { state: "retrying", reason, detail: { nextAttemptAt, ...failedOutput } },
        };
      }
      return { ...base, rule: finding.rule, to: "failed", write: { state: "failed", finishedAt: now, error: reason, ...failedOutput }, audit: { state: "failed", reason, detail: { ...failedOutput } } };
    }
    default:
      throw new Error(`step ${step.id}: ${row.id} leads to ${row.to}, which the engine never moves to from ${from}`);
  }
}

const COMPENSATION_STEP: Omit<Extract<RunbookStep, { kind: "agent" }>, "id" | "title" | "command" | "args"> = {
  kind: "agent",
  target: "primary",
  timeoutSeconds: 30,
  retry: { attempts: 3, backoffSeconds: 1, backoffFactor: 2 },
  onFailure: "abort",
};

/** The step an undo runs as: the registered compensation's command, over the replicas the step it undoes acted on. */
export function compensationStep(stepRun: { stepId: string; title: string }, context: RunContext): RunbookStep {
  const compensation = context.compensations.find((candidate) => `undo-${candidate.stepId}` === stepRun.stepId);
  if (!compensation) throw new Error(`no compensation registered for ${stepRun.stepId}`);
  if (compensation.command === "script") throw new Error(`a script cannot be registered as the undo of ${compensation.stepId}`);
  return { ...COMPENSATION_STEP, id: stepRun.stepId, title: stepRun.title, command: compensation.command, args: compensation.args };
}
