import "server-only";
import { promotionOf } from "@/core/automation/promotion";
import { commandsOutcome } from "@/core/runbooks/command-outcome";
import { evaluateCondition, type RunContext as ConditionContext } from "@/core/runbooks/conditions";
import { crossCheckPromotion } from "@/core/runbooks/promotion-checks";
import { backoffMs, mayRetry, type RetryPolicy } from "@/core/runbooks/retry";
import type { Compensation, RunContext } from "@/core/runbooks/run-context";
import type { AgentCommandKind } from "@/contracts/agent-commands";
import type { Condition, RunbookDefinition, RunbookStep } from "@/contracts/runbooks";
import { effectivePolicies } from "../policy/effective-policy";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { issueCommandIn } from "../commands/issue-command";
import { commandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import { Prisma, type Run, type StepRun } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { serviceSnapshot } from "../runbooks/service-snapshot";
import { recordLeaseLapse } from "../primary-lease/record-lease-lapse";
import { oldPrimaryLease, stillHeld } from "./old-primary-lease";
import { promotionEvidence } from "./promotion-evidence";
import { runContextOf } from "./run-view";

/**
 * What an automatic run answers a manual step with: its policy allows automatic
 * failover, and what the person would confirm is established otherwise.
 */
const AUTOMATIC_CONFIRMATION =
  "answered by policy (automatic failover): the loss was confirmed by a quorum of witnesses, and the promotion waits until the old primary's self-fencing lease has lapsed";

/** The engine acts as the automation, on behalf of whoever started the run (recorded on the run). */
const ENGINE: AuditActor = { type: "automation", id: null, label: "runbook engine" };

const COMPENSATION_STEP: Omit<Extract<RunbookStep, { kind: "agent" }>, "id" | "title" | "command" | "args"> = {
  kind: "agent",
  target: "primary",
  timeoutSeconds: 30,
  retry: { attempts: 3, backoffSeconds: 1, backoffFactor: 2 },
  onFailure: "abort",
};

type Step = RunbookStep;
type RunWithSteps = Run & { steps: StepRun[] };

interface Move {
  run: RunWithSteps;
  stepRun: StepRun;
  step: Step;
  context: RunContext;
  lease: HeldLease;
  now: Date;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Every step state change and its audit event, in one transaction, under the executor's lease. */
async function transition(move: Move, change: (tx: Tx) => Promise<void>, audit: { state: string; detail?: Record<string, unknown>; reason?: string | null }) {
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, move.lease);
    await change(tx);
    await appendAuditEvent(tx, {
      actor: ENGINE,
      action: "run.step",
      target: { type: "run", id: move.run.id },
      serviceId: move.run.serviceId,
      runId: move.run.id,
      stepRunId: move.stepRun.id,
      policyVersionId: move.run.policyVersionId,
      outcome: audit.state === "failed" ? "failure" : "success",
      reason: audit.reason ?? null,
      details: { step: move.stepRun.stepId, phase: move.stepRun.phase, kind: move.stepRun.kind, state: audit.state, attempt: move.stepRun.attempts, ...audit.detail },
    });
  });
}

async function complete(move: Move, state: "succeeded" | "skipped", output: unknown, contextChange?: (context: RunContext) => RunContext) {
  await transition(
    move,
    async (tx) => {
      await tx.stepRun.update({ where: { id: move.stepRun.id }, data: { state, output: json(output), finishedAt: move.now, error: null } });
      if (contextChange) await tx.run.update({ where: { id: move.run.id }, data: { context: json(contextChange(move.context)) } });
    },
    { state, detail: { output } },
  );
}

async function attemptFailed(move: Move, reason: string) {
  const retry: RetryPolicy = move.step.retry;
  if (mayRetry(retry, move.stepRun.attempts)) {
    const nextAttemptAt = new Date(move.now.getTime() + backoffMs(retry, move.stepRun.attempts + 1));
    await transition(move, (tx) => tx.stepRun.update({ where: { id: move.stepRun.id }, data: { state: "pending", nextAttemptAt, error: reason } }).then(() => undefined), {
      state: "retrying",
      reason,
      detail: { nextAttemptAt },
    });
    return;
  }
  await transition(move, (tx) => tx.stepRun.update({ where: { id: move.stepRun.id }, data: { state: "failed", finishedAt: move.now, error: reason } }).then(() => undefined), {
    state: "failed",
    reason,
  });
}

async function markWaiting(move: Move) {
  if (move.stepRun.state === "waiting") return;
  await transition(move, (tx) => tx.stepRun.update({ where: { id: move.stepRun.id }, data: { state: "waiting" } }).then(() => undefined), { state: "waiting" });
}

const deadlinePassed = (move: Move) => move.stepRun.deadlineAt !== null && move.now > move.stepRun.deadlineAt;

async function conditionNow(move: Move, condition: Condition) {
  const snapshot = await serviceSnapshot(move.run.serviceId, move.now);
  const find = (id: string | null) => snapshot.replicas.find((replica) => replica.id === id) ?? null;
  const context: ConditionContext = {
    snapshot,
    primary: find(move.context.primaryId),
    target: find(move.context.targetId),
    others: move.context.otherIds.flatMap((id) => find(id) ?? []),
    fencedLsn: move.context.fencedLsn === null ? null : BigInt(move.context.fencedLsn),
  };
  return { result: evaluateCondition(condition, context), snapshot, target: context.target };
}

/**
 * What a command needs beyond the definition's args: `repoint` follows the
 * run's target; `rewind` follows whichever replica the write route points at
 * when it is issued (the target after the route step, the primary in a
 * reinstate run), and never the replica it rewinds.
 */
async function commandArgs(move: Move, command: AgentCommandKind, args: Record<string, unknown>): Promise<{ args: Record<string, unknown> } | { problem: string }> {
  if (command === "repoint") {
    const target = move.context.targetId ? await db().replica.findUnique({ where: { id: move.context.targetId } }) : null;
    if (!target) return { problem: "repoint needs the run's target replica" };
    return { args: { host: target.host, port: target.port, slotName: null, ...args } };
  }
  if (command === "rewind") {
    const service = await db().service.findUniqueOrThrow({ where: { id: move.run.serviceId }, include: { writeReplica: true } });
    const primary = service.writeReplica;
    if (!primary) return { problem: `${service.id} has no write route, so there is no primary to follow` };
    if (move.stepRun.targets.includes(primary.id)) return { problem: `the write route points at ${primary.name}, the replica this step would rewind` };
    return { args: { host: primary.host, port: primary.port, slotName: null, ...args } };
  }
  if (command === "sync-standbys") {
    // The topology says which replicas are meant to be synchronous; the primary itself never is its own standby.
    const replicas = await db().replica.findMany({
      where: { serviceId: move.run.serviceId, replication: "sync", retiredAt: null, id: { notIn: move.stepRun.targets } },
      orderBy: [{ promotionPriority: "desc" }, { name: "asc" }],
      select: { name: true },
    });
    return { args: { names: replicas.map((replica) => replica.name), ...args } };
  }
  return { args };
}

/**
 * Residency is enforced where the write role moves (promotion and the route
 * switch), whatever checks a runbook's author wrote or left out and however
 * the policy changed since the run started: a target whose region a dataset's
 * rules exclude is refused with the rule, and the refusal is audited. Returns
 * the refusal, or null when the target is allowed.
 */
async function residencyRefusal(move: Move, action: "promote" | "route"): Promise<string | null> {
  const { result, target } = await conditionNow(move, "residency-allows-target");
  if (!("holds" in result) || result.holds || !target) return null;
  const policy = (await effectivePolicies([move.run.serviceId])).get(move.run.serviceId);
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, move.lease);
    await appendAuditEvent(tx, {
      actor: ENGINE,
      action: "residency.refuse",
      outcome: "failure",
      target: { type: "replica", id: target.id },
      serviceId: move.run.serviceId,
      runId: move.run.id,
      stepRunId: move.stepRun.id,
      reason: result.sentence,
      details: { refused: action, replica: target.name, regionId: target.regionId, jurisdiction: target.jurisdiction, policyVersion: policy?.version ?? null },
      policyVersionId: policy?.versionId ?? null,
    });
  });
  return `refusing to ${action === "promote" ? "promote" : "route writes to"} ${target.name}: ${result.sentence}`;
}

/**
 * Design rule "one-writable-primary": unless this run fenced the old primary itself (and read its
 * final position), nothing is promoted before the old primary's self-fencing
 * lease has lapsed, margin included. Null when a fence made the lease moot.
 */
async function leaseCheck(move: Move) {
  const primaryId = move.context.primaryId;
  if (move.context.fencedLsn !== null || !primaryId) return null;
  return oldPrimaryLease(move.run.serviceId, primaryId, move.now);
}

/** A renewal got in between the check and the promotion's transaction: roll it back and wait again. */
class LeaseRenewedError extends Error {}

async function agentStep(move: Move, command: AgentCommandKind, args: Record<string, unknown>, compensation: Compensation | null) {
  const { stepRun, run } = move;
  if (stepRun.targets.length === 0) return complete(move, "skipped", { reason: "no replica to act on" });
  const keyOf = (replicaId: string) => `${stepRun.idempotencyKey}:${replicaId}:${stepRun.attempts}`;
  const signingKey = await commandSigningKey();
  const resolved = await commandArgs(move, command, args);
  if ("problem" in resolved) return attemptFailed(move, resolved.problem);
  const resolvedArgs = resolved.args;

  for (const replicaId of stepRun.targets) {
    const issued = await db().agentCommand.findUnique({ where: { idempotencyKey: keyOf(replicaId) } });
    if (issued) continue;
    if (command === "promote") {
      const lease = await leaseCheck(move);
      const held = lease ? stillHeld(lease.lapse, move.now) : null;
      if (held) {
        if (deadlinePassed(move)) return attemptFailed(move, `refusing to promote: ${held}`);
        return markWaiting(move);
      }
      const refusal = await residencyRefusal(move, "promote");
      if (refusal) return attemptFailed(move, refusal);
      // Zero-loss proof, with every position it relies on cross-checked against other reports (design rules "no-acknowledged-write-lost" and "claims-cross-checked").
      const evidence = await promotionEvidence(run, move.context);
      if ("problem" in evidence) return attemptFailed(move, evidence.problem);
      const checked = crossCheckPromotion(evidence);
      if (!checked.promote) {
        if (checked.waiting && !deadlinePassed(move)) return markWaiting(move);
        return attemptFailed(move, `refusing to promote: ${checked.sentence}${checked.waiting ? ` (still so after ${move.step.timeoutSeconds} s)` : ""}`);
      }
      const renewed = await db().$transaction(async (tx) => {
        await assertLeaseHeld(tx, move.lease);
        const service = await tx.service.update({ where: { id: run.serviceId }, data: { epoch: { increment: 1 } } });
        // A renewal writes its grant under a FOR SHARE lock of the service row, only at the epoch it read: from this update on, none can be granted unseen (renew-primary-lease.ts).
        const renewedSince = lease ? stillHeld(await lease.recheck(tx), move.now) : null;
        if (renewedSince) throw new LeaseRenewedError(renewedSince);
        if (lease?.toRecord) await recordLeaseLapse(tx, run.serviceId, lease.toRecord, ENGINE, run.id);
        await issueCommandIn(tx, signingKey, { replicaId, kind: command, args: resolvedArgs, idempotencyKey: keyOf(replicaId), actor: ENGINE, epoch: service.epoch, runId: run.id, stepRunId: stepRun.id });
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
          details: {
            promotion: promotionOf(run.definition),
            proof: {
              fencedPrimaryFinalLsn: move.context.fencedLsn,
              candidateReplayedLsn: evidence.targetReport?.replayedLsn?.toString() ?? null,
              candidate: evidence.target,
              oldPrimaryLease: lease?.lapse.sentence ?? "fenced by this run",
              crossChecked: checked.proof,
            },
          },
        });
        return null;
      }).catch((error: unknown) => {
        if (error instanceof LeaseRenewedError) return error.message;
        throw error;
      });
      if (renewed) return markWaiting(move);
      continue;
    }
    await db().$transaction(async (tx) => {
      await assertLeaseHeld(tx, move.lease);
      await issueCommandIn(tx, signingKey, { replicaId, kind: command, args: resolvedArgs, idempotencyKey: keyOf(replicaId), actor: ENGINE, runId: run.id, stepRunId: stepRun.id });
    });
  }

  const commands = await db().agentCommand.findMany({
    where: { idempotencyKey: { in: stepRun.targets.map(keyOf) } },
    include: { agent: { include: { replica: { select: { name: true } } } } },
  });
  const outcome = commandsOutcome(commands.map((c) => ({ replica: c.agent.replica.name, status: c.status, error: c.error })));
  if (outcome.state === "failed") return attemptFailed(move, outcome.reason);
  if (outcome.state === "waiting") {
    if (deadlinePassed(move)) return attemptFailed(move, `no answer from ${stepRun.targets.length > 1 ? "every agent" : "the agent"} within ${move.step.timeoutSeconds} s`);
    return markWaiting(move);
  }
  const outputs = Object.fromEntries(commands.map((c) => [c.agent.replica.name, c.output]));
  await complete(move, "succeeded", outputs, (context) => {
    const fence = command === "fence" ? (commands[0]?.output as { finalLsn?: string } | null) : null;
    return {
      ...context,
      fencedLsn: fence?.finalLsn ?? context.fencedLsn,
      compensations: compensation ? [...context.compensations, compensation] : context.compensations,
    };
  });
}

async function routeStep(move: Move) {
  const { run, context } = move;
  const targetId = context.targetId;
  if (!targetId) return attemptFailed(move, "the run has no target to route writes to");
  const refusal = await residencyRefusal(move, "route");
  if (refusal) return attemptFailed(move, refusal);
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, move.lease);
    const before = await tx.service.findUniqueOrThrow({ where: { id: run.serviceId }, include: { writeReplica: { select: { name: true } } } });
    const target = await tx.replica.update({ where: { id: targetId }, data: { role: "primary" } });
    if (before.writeReplicaId && before.writeReplicaId !== targetId) await tx.replica.update({ where: { id: before.writeReplicaId }, data: { role: "standby" } });
    await tx.service.update({ where: { id: run.serviceId }, data: { writeReplicaId: targetId } });
    await tx.stepRun.update({ where: { id: move.stepRun.id }, data: { state: "succeeded", finishedAt: move.now, output: json({ from: before.writeReplica?.name ?? null, to: target.name }) } });
    await appendAuditEvent(tx, {
      actor: ENGINE,
      action: "service.route",
      target: { type: "service", id: run.serviceId },
      serviceId: run.serviceId,
      runId: run.id,
      stepRunId: move.stepRun.id,
      before: { writeReplica: before.writeReplica?.name ?? null },
      after: { writeReplica: target.name },
    });
  });
}

async function notifyStep(move: Move, message: string) {
  const url = process.env.SWITCHYARD_NOTIFY_URL;
  if (!url) return complete(move, "skipped", { reason: "no webhook is configured (SWITCHYARD_NOTIFY_URL)" });
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: `[${move.run.serviceId}] ${message}`, run: move.run.id, step: move.stepRun.stepId }),
    signal: AbortSignal.timeout(5_000),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error || !response.ok) return attemptFailed(move, `webhook ${response instanceof Error ? response.message : `answered ${response.status}`}`);
  return complete(move, "succeeded", { status: response.status });
}

/** Runs the current attempt of a running step as far as it can go now. */
async function proceed(move: Move): Promise<void> {
  const { step } = move;
  switch (step.kind) {
    case "check": {
      const { result } = await conditionNow(move, step.condition);
      if ("holds" in result && result.holds) return complete(move, "succeeded", { condition: step.condition, sentence: result.sentence });
      return attemptFailed(move, "pending" in result ? `cannot be checked yet: ${result.pending}` : result.sentence);
    }
    case "wait": {
      const { result } = await conditionNow(move, step.condition);
      if ("holds" in result && result.holds) return complete(move, "succeeded", { condition: step.condition, sentence: result.sentence });
      if (deadlinePassed(move)) return attemptFailed(move, `timed out after ${step.timeoutSeconds} s: ${"pending" in result ? result.pending : result.sentence}`);
      return markWaiting(move);
    }
    case "manual":
      if (move.run.mode === "automatic") return complete(move, "succeeded", { answeredBy: "policy", note: AUTOMATIC_CONFIRMATION });
      if (deadlinePassed(move)) return attemptFailed(move, `nobody confirmed within ${step.timeoutSeconds} s`);
      return markWaiting(move);
    case "approval": {
      if (step.unless) {
        const { result } = await conditionNow(move, step.unless);
        if ("holds" in result && result.holds) return complete(move, "skipped", { reason: `not needed: ${result.sentence}` });
      }
      // An approval exists to let a person accept a risk; the automation never accepts one for itself.
      if (move.run.mode === "automatic") return attemptFailed(move, "an automatic run cannot approve its own exception; a person must run this failover");
      if (deadlinePassed(move)) return attemptFailed(move, `no approval within ${step.timeoutSeconds} s`);
      return markWaiting(move);
    }
    case "agent": {
      const compensation = step.compensation
        ? { stepId: step.id, command: step.compensation.command, args: step.compensation.args, replicaIds: move.stepRun.targets }
        : null;
      return agentStep(move, step.command, step.args, compensation);
    }
    case "route":
      return routeStep(move);
    case "notify":
      return notifyStep(move, step.message);
  }
}

async function finish(run: Run, lease: HeldLease, status: "succeeded" | "failed" | "aborted", error: string | null, now: Date) {
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    await tx.run.update({ where: { id: run.id }, data: { status, finishedAt: now, activeForServiceId: null, error } });
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
  });
}

/** A failed step stops the run, after running the registered compensations when the step asks for that. */
async function stepFailed(run: RunWithSteps, stepRun: StepRun, step: Step, context: RunContext, lease: HeldLease, now: Date) {
  const error = `${step.title}: ${stepRun.error ?? "failed"}`;
  if (step.onFailure !== "compensate" || context.compensations.length === 0) return finish(run, lease, "failed", error, now);
  await startCompensations(run, context, lease, "failed", error);
}

/** Queues the registered compensations, newest first, and switches the run to compensating. */
export async function startCompensations(run: RunWithSteps, context: RunContext, lease: HeldLease | null, outcome: "failed" | "aborted", error: string, tx?: Tx) {
  const work = async (inner: Tx) => {
    if (lease) await assertLeaseHeld(inner, lease);
    const titles = new Map(run.steps.map((stepRun) => [stepRun.stepId, stepRun.title]));
    await inner.stepRun.createMany({
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
    await inner.run.update({ where: { id: run.id }, data: { status: "compensating", error, context: json({ ...context, outcome }) } });
  };
  if (tx) await work(tx);
  else await db().$transaction(work);
}

function compensationStep(stepRun: StepRun, context: RunContext): Step {
  const compensation = context.compensations.find((candidate) => `undo-${candidate.stepId}` === stepRun.stepId);
  if (!compensation) throw new Error(`no compensation registered for ${stepRun.stepId}`);
  return { ...COMPENSATION_STEP, id: stepRun.stepId, title: stepRun.title, command: compensation.command, args: compensation.args };
}

/**
 * One move of a run: start, continue or conclude its current step. Returns
 * whether anything changed (the caller moves again until nothing does).
 */
export async function moveRun(runId: string, lease: HeldLease, now = new Date()): Promise<boolean> {
  const run = await db().run.findUnique({ where: { id: runId }, include: { steps: { orderBy: [{ phase: "asc" }, { index: "asc" }] } } });
  if (!run || (run.status !== "running" && run.status !== "compensating")) return false;
  const definition = run.definition as unknown as RunbookDefinition;
  const context = runContextOf(run.context);
  const compensating = run.status === "compensating";
  const phase = compensating ? "compensation" : "forward";
  const stepRun = run.steps.find((candidate) => candidate.phase === phase && !["succeeded", "skipped"].includes(candidate.state) && !(compensating && candidate.state === "failed"));
  if (!stepRun) {
    const outcome = (context as RunContext & { outcome?: "failed" | "aborted" }).outcome;
    const failedUndo = run.steps.filter((candidate) => candidate.phase === "compensation" && candidate.state === "failed");
    const error = failedUndo.length ? `${run.error ?? ""}; compensation failed: ${failedUndo.map((s) => s.title).join(", ")}` : run.error;
    await finish(run, lease, compensating ? (outcome ?? "failed") : "succeeded", error, now);
    return false;
  }
  const step = compensating ? compensationStep(stepRun, context) : definition.steps.find((candidate) => candidate.id === stepRun.stepId);
  if (!step) throw new Error(`run ${run.id} has no definition for step ${stepRun.stepId}`);
  if (stepRun.state === "failed") {
    await stepFailed(run, stepRun, step, context, lease, now);
    return true;
  }
  const move: Move = { run, stepRun, step, context, lease, now };
  if (stepRun.state === "pending") {
    if (stepRun.nextAttemptAt && stepRun.nextAttemptAt > now) return false;
    await transition(
      move,
      (tx) =>
        tx.stepRun
          .update({
            where: { id: stepRun.id },
            data: { state: "running", attempts: { increment: 1 }, startedAt: stepRun.startedAt ?? now, deadlineAt: new Date(now.getTime() + step.timeoutSeconds * 1000), nextAttemptAt: null },
          })
          .then(() => undefined),
      { state: "running", detail: { attempt: stepRun.attempts + 1 } },
    );
    return true;
  }
  const before = `${stepRun.state}`;
  await proceed(move);
  const after = await db().stepRun.findUniqueOrThrow({ where: { id: stepRun.id }, select: { state: true } });
  return after.state !== before && after.state !== "waiting";
}
