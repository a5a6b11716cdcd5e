import "server-only";
import { serviceGates } from "@/core/hooks/runbook-hooks";
import { resolveRun } from "@/core/runbooks/plan-run";
import { EMPTY_RUN_CONTEXT, type RunContext, type RunSchedule } from "@/core/runbooks/run-context";
import type { RunbookStep } from "@/contracts/runbooks";
import type { RunView } from "@/contracts/runs";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
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

type CatalogRunbook = Awaited<ReturnType<typeof runbookCatalog>>["runbooks"][number];

/** The runbook as the catalog has it now. */
export async function catalogRunbook(runbookId: string): Promise<CatalogRunbook> {
  const runbook = (await runbookCatalog()).runbooks.find((candidate) => candidate.definition.id === runbookId);
  if (!runbook) throw new NotFoundError(`No runbook ${runbookId}.`);
  return runbook;
}

/** The parameters resolved against the live topology: 400 naming the parameter the topology refuses. */
export async function resolveParams(runbook: CatalogRunbook, params: Record<string, string>) {
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
  return { serviceId, resolved: resolution.context };
}

/** Everything a run's start writes, worked out before its transaction. */
export interface PreparedRun {
  runbook: CatalogRunbook;
  runbookId: string;
  serviceId: string;
  params: Record<string, string>;
  context: RunContext;
  policyVersionId: string | null;
  /** What the run.start event records as its `after`. */
  resolvedNames: { primary: string | undefined; target: string | undefined; others: string[] };
  targetsOf(step: RunbookStep): string[];
}

/** Who confirmed a run's manual steps in advance: the person who started its plan or created its drill schedule, or who scheduled it. */
export interface AdvanceConfirmation {
  confirmedInAdvance?: string;
  schedule?: RunSchedule;
}

/** Resolves a run's start (a plan's, or the control plane's at a scheduled run's time, confirm its manual steps in advance). */
export async function prepareRun(runbookId: string, params: Record<string, string>, start: AdvanceConfirmation = {}): Promise<PreparedRun> {
  const runbook = await catalogRunbook(runbookId);
  const { serviceId, resolved } = await resolveParams(runbook, params);
  if (runbook.definition.parameters.to_region && !resolved.target) throw new ConflictError("No standby can be promoted: candidate selection found none.");
  const context: RunContext = {
    ...EMPTY_RUN_CONTEXT,
    primaryId: resolved.primary?.id ?? null,
    targetId: resolved.target?.id ?? null,
    otherIds: resolved.others.map((replica) => replica.id),
    // The gates as configured now: an edit of the configuration applies to the next run, never to one under way.
    gates: serviceGates(gatesConfig(), serviceId),
    confirmedInAdvance: start.confirmedInAdvance ?? null,
    ...(start.schedule ? { schedule: start.schedule } : {}),
  };
  const replicasOf = (target: "primary" | "target" | "other-standbys"): string[] => {
    if (target === "primary") return context.primaryId ? [context.primaryId] : [];
    if (target === "target") return context.targetId ? [context.targetId] : [];
    return context.otherIds;
  };
  const targetsOf = (step: RunbookStep): string[] => {
    if (step.kind === "route") return context.targetId ? [context.targetId] : [];
    if (step.kind === "agent" || step.kind === "script") return replicasOf(step.target);
    const hook = step.kind === "gate" ? context.gates[step.point] : null;
    return hook && "script" in hook ? replicasOf(hook.target) : [];
  };
  return {
    runbook,
    runbookId,
    serviceId,
    params,
    context,
    policyVersionId: await policyVersionIdOf(serviceId),
    resolvedNames: { primary: resolved.primary?.name, target: resolved.target?.name, others: resolved.others.map((replica) => replica.name) },
    targetsOf,
  };
}

/** The version of the policy in force for the service (its own, or the global one). */
export async function policyVersionIdOf(serviceId: string): Promise<string | null> {
  const policy = await db().policy.findFirst({ where: { OR: [{ serviceId }, { scope: "global" }] }, orderBy: { serviceId: { sort: "asc", nulls: "last" } }, include: { versions: true } });
  return policy?.versions.find((version) => version.version === policy.currentVersion)?.id ?? null;
}

/** Refuses a run on a retired service; FOR SHARE: a retirement locks the row FOR UPDATE, so either it sees this run and refuses, or this sees the service retired. */
export async function assertServiceLive(tx: Tx, serviceId: string): Promise<void> {
  const [service] = await tx.$queryRaw<{ retiredAt: Date | null }[]>`SELECT "retiredAt" FROM "Service" WHERE id = ${serviceId} FOR SHARE`;
  if (service?.retiredAt) throw retiredServiceError(serviceId, service.retiredAt, "no runbook runs on it", "params.service");
}

/** The definition text a run runs, kept by its hash. */
export async function storeRunbook(tx: Tx, runbook: CatalogRunbook): Promise<void> {
  const stored = { title: runbook.definition.title, description: runbook.definition.description, contentHash: runbook.contentHash, source: runbook.source, definition: runbook.definition as unknown as Prisma.InputJsonValue };
  await tx.runbook.upsert({ where: { id: runbook.definition.id }, create: { id: runbook.definition.id, ...stored }, update: { ...stored, loadedAt: new Date() } });
}

/** A started run's steps, its wake-up for the executor and its run.start event: what every start writes after the run row. */
export async function writeRunStart(tx: Tx, prepared: PreparedRun, runId: string, actor: AuditActor, details: Record<string, unknown> | undefined): Promise<void> {
  const { runbook, params } = prepared;
  await tx.stepRun.createMany({
    data: runbook.definition.steps.map((step, index) => ({
      runId,
      stepId: step.id,
      index,
      kind: step.kind,
      title: step.title,
      targets: prepared.targetsOf(step),
      idempotencyKey: `${runId}:${step.id}`,
    })),
  });
  await wakeRunExecutor(tx, runId);
  await appendAuditEvent(tx, {
    actor,
    action: "run.start",
    target: { type: "run", id: runId },
    serviceId: prepared.serviceId,
    runId,
    policyVersionId: prepared.policyVersionId,
    reason: params.reason ?? null,
    after: { runbook: prepared.runbookId, contentHash: runbook.contentHash, params, ...prepared.resolvedNames },
    details,
  });
}

/** The 409 for a second active run on a service, naming the one there is. */
export async function activeRunConflict(serviceId: string): Promise<ConflictError> {
  const active = await db().run.findUnique({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true } });
  return new ConflictError(`${serviceId} already has an active run${active ? ` (${active.runbookId}, ${active.id})` : ""}; finish or abort it first.`);
}

export const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

/**
 * A plan starting one of its services' runs: its id and confirmation go on
 * the run, and `claim` writes the plan's side in the run's own transaction,
 * so a run and the plan row that points at it exist together or not at all.
 */
/**
 * What else starting a run carries: the plan that started it, who confirmed
 * its manual steps in advance, and `alongside`, what belongs with the run
 * (a plan's or a drill's row) written in the run's own transaction, so that
 * neither is stored alone.
 */
export interface RunStartOptions {
  planId?: string;
  confirmedInAdvance?: string;
  alongside?: (tx: Tx, runId: string) => Promise<void>;
}

/** The run's rows, in one transaction (the automation's checks its lease in it); returns the run's id. */
export async function createRun(runbookId: string, params: Record<string, string>, starter: RunStarter, options: RunStartOptions = {}): Promise<string> {
  const prepared = await prepareRun(runbookId, params, { confirmedInAdvance: options.confirmedInAdvance });
  const { runbook, serviceId } = prepared;
  try {
    return await db().$transaction(async (tx: Tx) => {
      if (starter.type === "automation") await assertLeaseHeld(tx, starter.lease);
      await assertServiceLive(tx, serviceId);
      await storeRunbook(tx, runbook);
      const run = await tx.run.create({
        data: {
          runbookId,
          contentHash: runbook.contentHash,
          definition: runbook.definition as unknown as Prisma.InputJsonValue,
          serviceId,
          activeForServiceId: serviceId,
          params,
          mode: starter.type === "automation" ? starter.mode : "guided",
          status: "running",
          actorType: starter.type,
          startedById: starter.type === "user" ? starter.actor.userId : null,
          reason: params.reason ?? null,
          policyVersionId: prepared.policyVersionId,
          planId: options.planId ?? null,
          context: prepared.context as unknown as Prisma.InputJsonValue,
          startedAt: new Date(),
        },
      });
      const actor = starter.type === "user" ? auditActorOf(starter.actor) : AUTOMATION_ACTOR;
      const details = starter.type === "automation" ? { mode: starter.mode, rule: starter.ruleId, sentence: starter.sentence } : options.planId ? { plan: options.planId } : undefined;
      await writeRunStart(tx, prepared, run.id, actor, details);
      await options.alongside?.(tx, run.id);
      return run.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await activeRunConflict(serviceId);
    throw error;
  }
}
