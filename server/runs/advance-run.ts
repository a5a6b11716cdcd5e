import "server-only";
import { promotionOf } from "@/core/automation/promotion";
import type { RunContext as ConditionContext } from "@/core/runbooks/conditions";
import { nextRunMove, type RunMove, type RunRow } from "@/core/runbooks/run-machine";
import type { RunContext } from "@/core/runbooks/run-context";
import { nextStepMove, stepStateOf, storedStateOf, type StepEffect, type StepMove, type StepObservation } from "@/core/runbooks/step-machine";
import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { RunbookStep } from "@/contracts/runbooks";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { issueCommandIn } from "../commands/issue-command";
import { commandSigningKey } from "../commands/signing-key";
import { db } from "../db/client";
import { Prisma, type Run, type StepRun } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { effectivePolicies } from "../policy/effective-policy";
import { recordLeaseLapse } from "../primary-lease/record-lease-lapse";
import { serviceSnapshot } from "../runbooks/service-snapshot";
import { oldPrimaryLease, stillHeld } from "./old-primary-lease";
import { promotionEvidence } from "./promotion-evidence";
import { runContextOf, runDefinitionOf, type StoredRunContext } from "./stored-run";

/** The engine acts as the automation, on behalf of whoever started the run (recorded on the run). */
const ENGINE: AuditActor = { type: "automation", id: null, label: "runbook engine" };

/** Re-decisions of one move after lost races, before leaving the run to the next tick. */
const MAX_REDECISIONS = 3;

type StoredRun = Run & { steps: StepRun[] };
type OldPrimaryLease = Awaited<ReturnType<typeof oldPrimaryLease>>;

/**
 * The run or its step changed between the read and the write (a person's
 * decision or abort, another executor), or the old primary's lease was
 * renewed under the promotion: the transaction rolls back and the move is
 * decided again from what is stored now.
 */
export class MovedMeanwhile extends Error {}

/** One move, decided: what was read, and what the state machines said to do with it. */
export type PlannedMove =
  | { kind: "run"; run: StoredRun; context: StoredRunContext; move: Exclude<RunMove, { kind: "step" }> }
  | { kind: "step"; run: StoredRun; context: StoredRunContext; stepRun: StepRun; step: RunbookStep; move: StepMove; oldLease: OldPrimaryLease | null };

const json = (value: unknown) => value as Prisma.InputJsonValue;
const keyOf = (stepRun: StepRun, replicaId: string) => `${stepRun.idempotencyKey}:${replicaId}:${stepRun.attempts}`;

/**
 * What a command needs beyond the definition's args: `repoint` follows the
 * run's target; `rewind` follows whichever replica the write route points at
 * when it is issued (the target after the route step, the primary in a
 * reinstate run), and never the replica it rewinds.
 */
async function commandArgs(run: Run, context: RunContext, stepRun: StepRun, command: AgentCommandKind, args: Record<string, unknown>) {
  if (command === "repoint") {
    const target = context.targetId ? await db().replica.findUnique({ where: { id: context.targetId } }) : null;
    if (!target) return { problem: "repoint needs the run's target replica" };
    return { args: { host: target.host, port: target.port, slotName: null, ...args } };
  }
  if (command === "rewind") {
    const service = await db().service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: true } });
    const primary = service.writeReplica;
    if (!primary) return { problem: `${service.id} has no write route, so there is no primary to follow` };
    if (stepRun.targets.includes(primary.id)) return { problem: `the write route points at ${primary.name}, the replica this step would rewind` };
    return { args: { host: primary.host, port: primary.port, slotName: null, ...args } };
  }
  if (command === "sync-standbys") {
    // The topology says which replicas are meant to be synchronous; the primary itself never is its own standby.
    const replicas = await db().replica.findMany({
      where: { serviceId: run.serviceId, replication: "sync", retiredAt: null, id: { notIn: stepRun.targets } },
      orderBy: [{ promotionPriority: "desc" }, { name: "asc" }],
      select: { name: true },
    });
    return { args: { names: replicas.map((replica) => replica.name), ...args } };
  }
  return { args };
}

async function conditionContext(run: Run, context: RunContext, now: Date): Promise<ConditionContext> {
  const snapshot = await serviceSnapshot(run.serviceId, now);
  const find = (id: string | null) => snapshot.replicas.find((replica) => replica.id === id) ?? null;
  return {
    snapshot,
    primary: find(context.primaryId),
    target: find(context.targetId),
    others: context.otherIds.flatMap((id) => find(id) ?? []),
    fencedLsn: context.fencedLsn === null ? null : BigInt(context.fencedLsn),
  };
}

/**
 * Everything the step's current attempt decides on, read before deciding:
 * the snapshot for conditions and residency, the attempt's commands, and for
 * a promotion not issued yet the old primary's lease and the evidence the
 * cross-checks read. Unless this run fenced the old primary itself, nothing
 * is promoted before its self-fencing lease has lapsed (design rule 4).
 */
async function observe(run: Run, context: RunContext, stepRun: StepRun, step: RunbookStep, now: Date, webhookFailure: string | null) {
  const observed: StepObservation = { conditions: null, agent: null, promotion: null, webhook: null };
  let oldLease: OldPrimaryLease | null = null;
  const needsSnapshot = step.kind === "check" || step.kind === "wait" || step.kind === "route" || (step.kind === "approval" && step.unless !== undefined);
  if (needsSnapshot) observed.conditions = await conditionContext(run, context, now);
  if (step.kind === "notify") observed.webhook = { configured: Boolean(process.env.SWITCHYARD_NOTIFY_URL), failure: webhookFailure };
  if (step.kind === "agent" && stepRun.targets.length > 0) {
    const [commands, args] = await Promise.all([
      db().agentCommand.findMany({
        where: { idempotencyKey: { in: stepRun.targets.map((replicaId) => keyOf(stepRun, replicaId)) } },
        include: { agent: { include: { replica: { select: { name: true } } } } },
      }),
      commandArgs(run, context, stepRun, step.command, step.args),
    ]);
    observed.agent = {
      commands: commands.map((command) => ({ replicaId: command.agent.replicaId, replica: command.agent.replica.name, status: command.status, error: command.error, output: command.output })),
      args,
    };
    const unissued = stepRun.targets.some((replicaId) => !commands.some((command) => command.agent.replicaId === replicaId));
    if (step.command === "promote" && unissued && !("problem" in args)) {
      const primaryId = context.primaryId;
      const [conditions, lease, evidence] = await Promise.all([
        conditionContext(run, context, now),
        context.fencedLsn === null && primaryId ? oldPrimaryLease(run.serviceId, primaryId, now) : null,
        promotionEvidence(run, context),
      ]);
      oldLease = lease;
      observed.conditions = conditions;
      observed.promotion = { leaseHeld: lease ? stillHeld(lease.lapse, now) : null, leaseSentence: lease?.lapse.sentence ?? null, evidence };
    }
  }
  return { observed, oldLease };
}

const loadRun = (runId: string) => db().run.findUnique({ where: { id: runId }, include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] } } });

/**
 * Reads the run once and decides its next move with the pure state machines
 * (core/runbooks/run-machine, step-machine). Null when there is nothing to do
 * now. `webhookFailure`: what posting a notification answered, when the move
 * decided before it was to post one.
 */
export async function planMove(runId: string, now: Date, webhookFailure: string | null = null): Promise<PlannedMove | null> {
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
    state === "running" || state === "waiting" ? await observe(run, context, stepRun, step, now, webhookFailure) : { observed: { conditions: null, agent: null, promotion: null, webhook: null }, oldLease: null };
  const move = nextStepMove({ run: { mode: run.mode, context }, step, stepRun, observed, now });
  return move && { kind: "step", run, context, stepRun, step, move, oldLease };
}

/** Holds the run row and proves it is still in the status the move was decided on; `data` is written with it. */
async function claimRun(tx: Tx, run: Run, data: Prisma.RunUpdateManyMutationInput = {}) {
  const changed = await tx.run.updateMany({ where: { id: run.id, status: run.status }, data: { status: run.status, ...data } });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
}

async function finishRun(tx: Tx, run: Run, status: "succeeded" | "failed" | "aborted", error: string | null, now: Date) {
  const changed = await tx.run.updateMany({ where: { id: run.id, status: run.status }, data: { status, finishedAt: now, activeForServiceId: null, error } });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "run.finish",
    target: { type: "run", id: run.id },
    serviceId: run.serviceId,
    runId: run.id,
    outcome: status === "succeeded" ? "success" : "failure",
    reason: error,
    after: { status },
  });
}

/**
 * Queues the registered compensations, newest first, and switches the run to
 * compensating, only from the status `run` was read in (else MovedMeanwhile).
 */
export async function startCompensations(tx: Tx, run: StoredRun, context: RunContext, outcome: "failed" | "aborted", error: string) {
  const titles = new Map(run.steps.map((stepRun) => [stepRun.stepId, stepRun.title]));
  const changed = await tx.run.updateMany({
    where: { id: run.id, status: run.status },
    data: { status: "compensating", error, context: json({ ...context, outcome }) },
  });
  if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer ${run.status}`);
  await tx.stepRun.createMany({
    data: [...context.compensations].reverse().map((compensation, index) => ({
      runId: run.id,
      stepId: `undo-${compensation.stepId}`,
      index,
      phase: "compensation" as const,
      kind: "agent" as const,
      title: `Undo: ${titles.get(compensation.stepId) ?? compensation.stepId}`,
      targets: compensation.replicaIds,
      idempotencyKey: `${run.id}:undo-${compensation.stepId}`,
    })),
    skipDuplicates: true,
  });
}

/** Moves the write role: the promote command under a new epoch, its proof audited, with the old primary's lease read again first. */
async function promoteIn(tx: Tx, planned: Extract<PlannedMove, { kind: "step" }>, effect: Extract<StepEffect, { kind: "promote" }>, signingKey: Awaited<ReturnType<typeof commandSigningKey>>, now: Date) {
  const { run, stepRun, oldLease } = planned;
  const service = await tx.service.update({ where: { id: run.serviceId }, data: { epoch: { increment: 1 } } });
  // A renewal writes its grant under a FOR SHARE lock of the service row, only at the epoch it read: from this update on, none can be granted unseen (renew-primary-lease.ts).
  const renewedSince = oldLease ? stillHeld(await oldLease.recheck(tx), now) : null;
  if (renewedSince) throw new MovedMeanwhile(renewedSince);
  if (oldLease?.toRecord) await recordLeaseLapse(tx, run.serviceId, oldLease.toRecord, ENGINE, run.id);
  await issueCommandIn(tx, signingKey, {
    replicaId: effect.replicaId,
    kind: "promote",
    args: effect.args,
    idempotencyKey: keyOf(stepRun, effect.replicaId),
    actor: ENGINE,
    epoch: service.epoch,
    runId: run.id,
    stepRunId: stepRun.id,
  });
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "service.epoch",
    target: { type: "service", id: run.serviceId },
    serviceId: run.serviceId,
    runId: run.id,
    stepRunId: stepRun.id,
    reason: "promotion: agents refuse commands from older epochs from now on",
    before: { epoch: service.epoch - 1 },
    after: { epoch: service.epoch },
    // Whether the runbook planned it: the cooldown after a promotion reads it (promotionOf).
    details: { promotion: promotionOf(run.definition), proof: effect.proof },
  });
}

/** Points the write route at the target; returns the step's output. */
async function routeIn(tx: Tx, planned: Extract<PlannedMove, { kind: "step" }>, targetId: string) {
  const { run, stepRun } = planned;
  const before = await tx.service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: { select: { name: true } } } });
  const target = await tx.replica.update({ where: { id: targetId }, data: { role: "primary" } });
  if (before.writeReplicaId && before.writeReplicaId !== targetId) await tx.replica.update({ where: { id: before.writeReplicaId }, data: { role: "standby" } });
  await tx.service.update({ where: { id: run.serviceId }, data: { writeReplicaId: targetId } });
  await appendAuditEvent(tx, {
    actor: ENGINE,
    action: "service.route",
    target: { type: "service", id: run.serviceId },
    serviceId: run.serviceId,
    runId: run.id,
    stepRunId: stepRun.id,
    before: { writeReplica: before.writeReplica?.name ?? null },
    after: { writeReplica: target.name },
  });
  return { from: before.writeReplica?.name ?? null, to: target.name };
}

async function postWebhook(run: Run, stepRun: StepRun, message: string): Promise<{ status: number } | { failure: string }> {
  const response = await fetch(process.env.SWITCHYARD_NOTIFY_URL!, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: `[${run.serviceId}] ${message}`, run: run.id, step: stepRun.stepId }),
    signal: AbortSignal.timeout(5_000),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return { failure: response.message };
  return response.ok ? { status: response.status } : { failure: `answered ${response.status}` };
}

type Applied = { moved: boolean } | { webhookFailure: string };

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
    const posted = await postWebhook(run, stepRun, webhook.message);
    if ("failure" in posted) return { webhookFailure: posted.failure };
    output = posted;
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
      if (effect.kind === "issue-command") {
        await issueCommandIn(tx, signingKey!, { replicaId: effect.replicaId, kind: effect.command, args: effect.args, idempotencyKey: keyOf(stepRun, effect.replicaId), actor: ENGINE, runId: run.id, stepRunId: stepRun.id });
      } else if (effect.kind === "promote") {
        await promoteIn(tx, planned, effect, signingKey!, now);
      } else if (effect.kind === "route-writes") {
        output = await routeIn(tx, planned, effect.targetId);
      } else if (effect.kind === "refuse-residency") {
        const { target, action, sentence } = effect.refusal;
        await appendAuditEvent(tx, {
          actor: ENGINE,
          action: "residency.refuse",
          outcome: "failure",
          target: { type: "replica", id: target.id },
          serviceId: run.serviceId,
          runId: run.id,
          stepRunId: stepRun.id,
          reason: sentence,
          details: { refused: action, replica: target.name, regionId: target.regionId, jurisdiction: target.jurisdiction, policyVersion: policy?.version ?? null },
          policyVersionId: policy?.versionId ?? null,
        });
      }
    }
    const { state, attempts, startedAt, deadlineAt, nextAttemptAt, finishedAt, error } = move.write;
    const data: Prisma.StepRunUpdateManyMutationInput = { state, attempts, startedAt, deadlineAt, nextAttemptAt, finishedAt, error, ...(output === undefined ? {} : { output: json(output) }) };
    // The attempt count tells a retry from the attempt it follows: both are stored as pending.
    const changed = await tx.stepRun.updateMany({ where: { id: stepRun.id, state: storedStateOf(move.from), attempts: stepRun.attempts }, data });
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
          // What carrying the move out found (a route's or a webhook's answer) is what the step output is.
          ...("output" in move.audit.detail ? { output } : {}),
        },
      });
    }
  });
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
export async function moveRun(runId: string, lease: HeldLease, now = new Date()): Promise<boolean> {
  let webhookFailure: string | null = null;
  for (let decision = 0; decision < MAX_REDECISIONS; decision++) {
    const planned = await planMove(runId, now, webhookFailure);
    if (!planned) return false;
    try {
      const applied = await applyMove(planned, lease, now);
      if ("moved" in applied) return applied.moved;
      webhookFailure = applied.webhookFailure;
    } catch (error) {
      if (!(error instanceof MovedMeanwhile)) throw error;
    }
  }
  return false;
}
