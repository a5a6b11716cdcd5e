import "server-only";
import { serviceGates } from "@/core/hooks/runbook-hooks";
import { resolveRun } from "@/core/runbooks/plan-run";
import { EMPTY_RUN_CONTEXT, type RunContext } from "@/core/runbooks/run-context";
import type { RunView } from "@/contracts/runs";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import type { Tx } from "../db/transaction";
import { assertLeaseHeld, type HeldLease } from "../lease/assert-lease";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { hooksConfig } from "../hooks/hooks-config";
import { retiredServiceError } from "../retired-guards";
import { runbookCatalog } from "../runbooks/runbook-catalog";
import { serviceSnapshot } from "../runbooks/service-snapshot";
import { wakeRunExecutor } from "../db/run-executor-channel";
import { runView } from "./run-view";

/**
 * Who starts a run: a person (always guided), or the automation under its
 * decider lease, in automatic mode (manual steps answered by policy) or guided
 * (it found no standby it may promote alone and hands the run to a person).
 */
export type RunStarter =
  | { type: "user"; actor: UserActor }
  | { type: "automation"; mode: "automatic" | "guided"; lease: HeldLease; ruleId: string; sentence: string };

const AUTOMATION_ACTOR = { type: "automation" as const, id: null, label: "automation" };

/** A gate someone configured is never skipped because its file broke since: the run does not start. */
function gatesConfig() {
  try {
    return hooksConfig();
  } catch (error) {
    throw new ConflictError(`No run starts while the hooks configuration is broken (its gates cannot be known): ${(error as Error).message}`);
  }
}

/**
 * Starts a run: resolves the parameters against the live topology,
 * records the definition text it runs (by hash) and one pending step per
 * definition step, audited, in one transaction. The executor takes it from
 * there. A service has at most one active run (a unique index says so).
 */
export async function startRun(runbookId: string, params: Record<string, string>, starter: RunStarter): Promise<RunView> {
  const runId = await createRun(runbookId, params, starter);
  return runView(runId);
}

/**
 * A plan starting one of its services' runs: its id and confirmation go on
 * the run, and `claim` writes the plan's side in the run's own transaction,
 * so a run and the plan row that points at it exist together or not at all.
 */
export interface PlanStart {
  planId: string;
  confirmation: string;
  claim: (tx: Tx, runId: string) => Promise<void>;
}

/**
 * The run's rows, in one transaction (the automation's checks its lease in
 * it); returns the run's id. `alongside` writes what belongs with the run
 * (a drill's row) in the same transaction, so neither is stored alone.
 */
export async function createRun(
  runbookId: string,
  params: Record<string, string>,
  starter: RunStarter,
  plan?: PlanStart,
  alongside?: (tx: Tx, runId: string) => Promise<void>,
): Promise<string> {
  const runbook = (await runbookCatalog()).runbooks.find((candidate) => candidate.definition.id === runbookId);
  if (!runbook) throw new NotFoundError(`No runbook ${runbookId}.`);
  const serviceId = params.service;
  if (!serviceId) throw new ValidationError("params.service: is required", "params.service");
  const snapshot = await serviceSnapshot(serviceId).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new ValidationError(`params.service: ${error.message}`, "params.service");
    throw error;
  });
  const resolution = resolveRun(runbook.definition, params, snapshot);
  if (!resolution.ok) {
    const [first] = resolution.problems;
    throw new ValidationError(`params.${first!.field}: ${first!.message}`, `params.${first!.field}`);
  }
  const { context: resolved } = resolution;
  if (runbook.definition.parameters.to_region && !resolved.target) throw new ConflictError("No standby can be promoted: candidate selection found none.");
  const context: RunContext = {
    ...EMPTY_RUN_CONTEXT,
    primaryId: resolved.primary?.id ?? null,
    targetId: resolved.target?.id ?? null,
    otherIds: resolved.others.map((replica) => replica.id),
    // The gates as configured now: an edit of the configuration applies to the next run, never to one under way.
    gates: serviceGates(gatesConfig(), serviceId),
    planConfirmation: plan?.confirmation ?? null,
  };
  const replicasOf = (target: "primary" | "target" | "other-standbys"): string[] => {
    if (target === "primary") return context.primaryId ? [context.primaryId] : [];
    if (target === "target") return context.targetId ? [context.targetId] : [];
    return context.otherIds;
  };
  const targetsOf = (step: (typeof runbook.definition.steps)[number]): string[] => {
    if (step.kind === "route") return context.targetId ? [context.targetId] : [];
    if (step.kind === "agent" || step.kind === "script") return replicasOf(step.target);
    const hook = step.kind === "gate" ? context.gates[step.point] : null;
    return hook && "script" in hook ? replicasOf(hook.target) : [];
  };
  const policy = await db().policy.findFirst({ where: { OR: [{ serviceId }, { scope: "global" }] }, orderBy: { serviceId: { sort: "asc", nulls: "last" } }, include: { versions: true } });
  const policyVersionId = policy?.versions.find((version) => version.version === policy.currentVersion)?.id ?? null;

  const definition = runbook.definition as unknown as Prisma.InputJsonValue;
  try {
    return await db().$transaction(async (tx: Tx) => {
      if (starter.type === "automation") await assertLeaseHeld(tx, starter.lease);
      // FOR SHARE: a retirement locks the row FOR UPDATE, so either it sees this run and refuses, or this sees the service retired.
      const [service] = await tx.$queryRaw<{ retiredAt: Date | null }[]>`SELECT "retiredAt" FROM "Service" WHERE id = ${serviceId} FOR SHARE`;
      if (service?.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, "no runbook runs on it", "params.service");
      const stored = { title: runbook.definition.title, description: runbook.definition.description, contentHash: runbook.contentHash, source: runbook.source, definition };
      await tx.runbook.upsert({ where: { id: runbookId }, create: { id: runbookId, ...stored }, update: { ...stored, loadedAt: new Date() } });
      const run = await tx.run.create({
        data: {
          runbookId,
          contentHash: runbook.contentHash,
          definition,
          serviceId,
          activeForServiceId: serviceId,
          params,
          mode: starter.type === "automation" ? starter.mode : "guided",
          status: "running",
          actorType: starter.type,
          startedById: starter.type === "user" ? starter.actor.userId : null,
          reason: params.reason ?? null,
          policyVersionId,
          planId: plan?.planId ?? null,
          context: context as unknown as Prisma.InputJsonValue,
          startedAt: new Date(),
        },
      });
      await tx.stepRun.createMany({
        data: runbook.definition.steps.map((step, index) => ({
          runId: run.id,
          stepId: step.id,
          index,
          kind: step.kind,
          title: step.title,
          targets: targetsOf(step),
          idempotencyKey: `${run.id}:${step.id}`,
        })),
      });
      await plan?.claim(tx, run.id);
      await wakeRunExecutor(tx, run.id);
      await appendAuditEvent(tx, {
        actor: starter.type === "user" ? auditActorOf(starter.actor) : AUTOMATION_ACTOR,
        action: "run.start",
        target: { type: "run", id: run.id },
        serviceId,
        runId: run.id,
        policyVersionId,
        reason: params.reason ?? null,
        after: { runbook: runbookId, contentHash: runbook.contentHash, params, primary: resolved.primary?.name, target: resolved.target?.name, others: resolved.others.map((r) => r.name) },
        details: starter.type === "automation" ? { mode: starter.mode, rule: starter.ruleId, sentence: starter.sentence } : plan ? { plan: plan.planId } : undefined,
      });
      await alongside?.(tx, run.id);
      return run.id;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const active = await db().run.findUnique({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true } });
      throw new ConflictError(`${serviceId} already has an active run${active ? ` (${active.runbookId}, ${active.id})` : ""}; finish or abort it first.`);
    }
    throw error;
  }
}
