import "server-only";
import { nextRunMove, type RunMove, type RunRow } from "@/core/runbooks/run-machine";
import { awaitsReports, nextStepMove, stepStateOf, storedStateOf, type StepMove } from "@/core/runbooks/step-machine";
import type { RunbookStep } from "@/contracts/runbooks";
import { appendAuditEvent } from "../audit/append-audit-event";
import { commandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import type { Prisma, Run, StepRun } from "../db/generated/client";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { effectivePolicies } from "../policy/effective-policy";
import { answerFailure, type EndpointAnswer } from "@/core/hooks/runbook-hooks";
import { callEndpoint } from "../hooks/call-endpoint";
import { renewAfterCall } from "./executor-lease";
import { observeStep, type OldPrimaryLease } from "./observe-step";
import { claimRun, ENGINE, finishRun, json, MovedMeanwhile, startCompensations, stepKey } from "./run-writes";
import { issueIn, postWebhook, promoteIn, refuseResidencyIn, routeIn } from "./step-effects";
import { runContextOf, runDefinitionOf, runParamsOf, type StoredRunContext } from "./stored-run";
import { countStepEnded } from "./step-metrics";

/** Re-decisions of one move after lost races, before leaving the run to the next tick. */
const MAX_REDECISIONS = 3;

type StoredRun = Run & { steps: StepRun[] };

/** One move, decided: what was read, and what the state machines said to do with it. */
export type PlannedMove =
  | { kind: "run"; run: StoredRun; context: StoredRunContext; move: Exclude<RunMove, { kind: "step" }> }
  | { kind: "step"; run: StoredRun; context: StoredRunContext; stepRun: StepRun; step: RunbookStep; move: StepMove; oldLease: OldPrimaryLease | null };

export interface PlanOptions {
  /** Told the run's replicas whose fresh reports the step's attempt waits on (core FRESH_REPORT_RULES): the executor asks their agents for one now. */
  awaitingReports?: (replicaIds: string[]) => void;
}

const loadRun = (runId: string) => db().run.findUnique({ where: { id: runId }, include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] } } });

/**
 * What a call made before the move's transaction answered, when that fails
 * the step: the move is decided again knowing it.
 */
export interface CallAnswers {
  webhookFailure: string | null;
  endpointAnswer: EndpointAnswer | null;
}

const NO_ANSWERS: CallAnswers = { webhookFailure: null, endpointAnswer: null };

/**
 * Reads the run once and decides its next move with the pure state machines
 * (core/runbooks/run-machine, step-machine). Null when there is nothing to do
 * now. `answers`: what a notification or an endpoint answered, when the move
 * decided before it was to call one.
 */
export async function planMove(runId: string, now: Date, answers: CallAnswers = NO_ANSWERS, options: PlanOptions = {}): Promise<PlannedMove | null> {
  const run = await loadRun(runId);
  if (!run || (run.status !== "running" && run.status !== "compensating")) return null;
  const context = runContextOf(run.context);
  const row: RunRow = { status: run.status, error: run.error, definition: runDefinitionOf(run.definition), context, steps: run.steps };
  const runMove = nextRunMove(row);
  if (!runMove) return null;
  if (runMove.kind !== "step") return { kind: "run", run, context, move: runMove };
  const stepRun = run.steps.find((candidate) => candidate.id === runMove.stepRun.id)!;
  const step = runMove.step;
  const state = stepStateOf(stepRun);
  const { observed, oldLease } =
    state === "running" || state === "waiting" ? await observeStep(run, context, stepRun, step, now, answers.webhookFailure, answers.endpointAnswer) : { observed: { conditions: null, agent: null, promotion: null, webhook: null, http: null }, oldLease: null };
  const input = { run: { mode: run.mode, context }, step, stepRun, observed, now };
  const move = nextStepMove(input);
  if (options.awaitingReports && awaitsReports(input)) options.awaitingReports([context.primaryId, context.targetId].filter((id): id is string => id !== null));
  return move && { kind: "step", run, context, stepRun, step, move, oldLease };
}

type Applied = { moved: boolean } | { answers: CallAnswers };

/**
 * Carries out a step's move: a webhook first (its failure is decided again),
 * then the effects, the step's new state and its audit event in one
 * transaction, each row written only from the state the move was decided on.
 */
async function applyStepMove(planned: Extract<PlannedMove, { kind: "step" }>, lease: HeldLease, now: Date): Promise<Applied> {
  const { run, stepRun, move } = planned;
  let output = move.write.output;
  const webhook = move.effects.find((effect) => effect.kind === "post-webhook");
  if (webhook) {
    const posted = await postWebhook(planned, webhook.message);
    if ("failure" in posted) return { answers: { ...NO_ANSWERS, webhookFailure: posted.failure } };
    output = posted;
  }
  const call = move.effects.find((effect) => effect.kind === "call-endpoint");
  if (call) {
    const gate = planned.step.kind === "gate" ? planned.step.point : null;
    const answer = await callEndpoint({ run, stepRun, context: planned.context, params: runParamsOf(run.params) }, call.endpoint, gate, planned.step.timeoutSeconds);
    // A slow receiver may outlast the lease: renewed under its token before the answer is decided on, else the lease lapses and the step is called again.
    await renewAfterCall(lease);
    if (answerFailure(answer, call.expect)) return { answers: { ...NO_ANSWERS, endpointAnswer: answer } };
    output = answer;
  }
  const commands = move.effects.some((effect) => effect.kind === "issue-command" || effect.kind === "promote");
  const signingKey = commands ? await commandSigningKey() : null;
  const refusal = move.effects.find((effect) => effect.kind === "refuse-residency");
  const policy = refusal ? (await effectivePolicies([run.serviceId])).get(run.serviceId) : undefined;
  const context = move.effects.find((effect) => effect.kind === "record-context")?.context;

  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    await claimRun(tx, run, context ? { context: json(context) } : {});
    for (const effect of move.effects) {
      if (effect.kind === "issue-command") await issueIn(tx, planned, effect, signingKey!);
      else if (effect.kind === "promote") await promoteIn(tx, planned, effect, signingKey!, planned.oldLease, now);
      else if (effect.kind === "route-writes") output = await routeIn(tx, planned, effect.targetId);
      else if (effect.kind === "refuse-residency") await refuseResidencyIn(tx, planned, effect.refusal, policy);
    }
    const { state, attempts, startedAt, deadlineAt, nextAttemptAt, finishedAt, error } = move.write;
    const data: Prisma.StepRunUpdateManyMutationInput = { state, attempts, startedAt, deadlineAt, nextAttemptAt, finishedAt, error, ...(output === undefined ? {} : { output: json(output) }) };
    const changed = await tx.stepRun.updateMany({ where: stepKey(stepRun), data });
    if (changed.count === 0) throw new MovedMeanwhile(`step ${stepRun.stepId} is no longer ${move.from}`);
    if (move.audit) {
      await appendAuditEvent(tx, {
        actor: ENGINE,
        action: "run.step",
        target: { type: "run", id: run.id },
        serviceId: run.serviceId,
        runId: run.id,
        stepRunId: stepRun.id,
        policyVersionId: run.policyVersionId,
        outcome: move.audit.state === "failed" ? "failure" : "success",
        reason: move.audit.reason,
        details: {
          step: stepRun.stepId,
          phase: stepRun.phase,
          kind: stepRun.kind,
          state: move.audit.state,
          attempt: stepRun.attempts,
          rule: move.rule,
          ...(move.cause ? { cause: move.cause } : {}),
          ...move.audit.detail,
          // What carrying the move out found (a route's, a webhook's or an endpoint's answer) is what the step output is.
          ...("output" in move.audit.detail ? { output } : {}),
        },
      });
    }
  });
  const startedAt = move.write.startedAt ?? stepRun.startedAt;
  if (move.write.finishedAt && startedAt) countStepEnded(stepRun.kind, move.write.state, startedAt, move.write.finishedAt);
  return { moved: move.write.state !== storedStateOf(move.from) && move.write.state !== "waiting" };
}

/** Carries out a move; a lost race (MovedMeanwhile) is left to the caller, which decides again. */
export async function applyMove(planned: PlannedMove, lease: HeldLease, now: Date): Promise<Applied> {
  if (planned.kind === "step") return applyStepMove(planned, lease, now);
  const { run, context, move } = planned;
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    if (move.kind === "finish") await finishRun(tx, run, move.to, move.error, now);
    else await startCompensations(tx, run, context, "failed", move.error);
  });
  return { moved: move.kind === "compensate" };
}

/**
 * One move of a run: start, continue or conclude its current step, or end
 * the run. Returns whether anything changed (the caller moves again until
 * nothing does). A move that lost a race to another writer is decided again
 * from what is stored now, never written over it.
 */
export async function moveRun(runId: string, lease: HeldLease, now = new Date(), options: PlanOptions = {}): Promise<boolean> {
  let answers = NO_ANSWERS;
  for (let decision = 0; decision < MAX_REDECISIONS; decision++) {
    const planned = await planMove(runId, now, answers, options);
    if (!planned) return false;
    try {
      const applied = await applyMove(planned, lease, now);
      if ("moved" in applied) return applied.moved;
      answers = applied.answers;
    } catch (error) {
      if (!(error instanceof MovedMeanwhile)) throw error;
    }
  }
  return false;
}
