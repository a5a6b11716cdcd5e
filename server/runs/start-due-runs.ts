import "server-only";
import { decideDue, DUE_RULES, type DueDecision, type DueFacts } from "@/core/schedules/schedule-rules";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { db } from "../db/client";
import type { Prisma, Run } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { NotFoundError } from "../errors";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { planRunbook } from "../runbooks/plan-runbook";
import { activeRunConflict, assertServiceLive, catalogRunbook, isUniqueViolation, prepareRun, writeRunStart } from "./start-run";
import { MovedMeanwhile } from "./run-writes";
import { runParamsOf } from "./stored-run";
import { maintenanceWindowsOf, personRefusal } from "../schedules/schedule-facts";

/** Who refuses a scheduled run: the control plane, at its time. */
export const SCHEDULER_ACTOR: AuditActor = { type: "system", id: null, label: "scheduler" };

/** Due runs looked at in one pass; more wait for the next tick, a quarter of a second later. */
const MAX_PER_PASS = 20;

type ScheduledRun = Run & { startedBy: { email: string } | null };

const sentenceOf = (rule: string) => DUE_RULES.find((row) => row.id === rule)!.sentence;

async function definitionChange(run: ScheduledRun): Promise<string | null> {
  try {
    const runbook = await catalogRunbook(run.runbookId);
    if (runbook.contentHash === run.contentHash) return null;
    return `the runbook ${run.runbookId} changed since it was scheduled (${run.contentHash.slice(0, 12)} → ${runbook.contentHash.slice(0, 12)}); schedule it again to run the new text`;
  } catch (error) {
    if (error instanceof NotFoundError) return `the runbook ${run.runbookId} is no longer in the catalog`;
    throw error;
  }
}

/** The dry run's blockers now; a dry run that cannot be made (service retired, hooks configuration broken) is one. */
async function blockersOf(run: ScheduledRun): Promise<string[]> {
  try {
    return (await planRunbook(run.runbookId, runParamsOf(run.params))).blockers;
  } catch (error) {
    return [(error as Error).message];
  }
}

/** What the control plane finds at the run's time, read without locks: the start re-checks what matters in its transaction. */
export async function dueFacts(run: ScheduledRun, now: Date): Promise<DueFacts> {
  const [windows, personRefused, definitionChanged, active, blockers] = await Promise.all([
    maintenanceWindowsOf(run.serviceId),
    personRefusal(run.startedById, run.serviceId),
    definitionChange(run),
    db().run.findUnique({ where: { activeForServiceId: run.serviceId }, select: { id: true, runbookId: true } }),
    blockersOf(run),
  ]);
  return {
    now,
    scheduledAt: run.scheduledAt!,
    inMaintenanceWindow: run.inMaintenanceWindow,
    windows,
    personRefused,
    definitionChanged,
    activeRun: active && `${active.runbookId}, ${active.id}`,
    blockers,
  };
}

/** The run ends as refused, with the reason as its error; the alert rule `scheduled-run-refused` reads it from there. */
async function refuse(run: ScheduledRun, decision: DueDecision, lease: HeldLease, now: Date): Promise<void> {
  await db().$transaction(async (tx: Tx) => {
    await assertLeaseHeld(tx, lease);
    const changed = await tx.run.updateMany({ where: { id: run.id, status: "scheduled" }, data: { status: "refused", finishedAt: now, error: `refused at its time: ${decision.reason}` } });
    if (changed.count === 0) return;
    await appendAuditEvent(tx, {
      actor: SCHEDULER_ACTOR,
      action: "run.refuse",
      target: { type: "run", id: run.id },
      serviceId: run.serviceId,
      runId: run.id,
      reason: decision.reason,
      before: { status: "scheduled" },
      after: { status: "refused" },
      details: { rule: decision.rule, sentence: sentenceOf(decision.rule), scheduledAt: run.scheduledAt!.toISOString(), scheduledBy: run.startedBy?.email ?? null },
    });
  });
}

/**
 * Starts the scheduled run as a person's start would (same steps, same
 * run.start event, the person who scheduled it as its actor), under the
 * executor's lease and only from `scheduled`: a copy that lost its lease, or a
 * cancel that got there first, starts nothing.
 */
async function start(run: ScheduledRun, decision: DueDecision, lease: HeldLease, now: Date): Promise<void> {
  const by = run.startedBy!.email;
  const prepared = await prepareRun(run.runbookId, runParamsOf(run.params), { schedule: { by, scheduledAt: run.scheduledAt!.toISOString() } });
  await db().$transaction(async (tx: Tx) => {
    await assertLeaseHeld(tx, lease);
    await assertServiceLive(tx, run.serviceId);
    const changed = await tx.run.updateMany({
      where: { id: run.id, status: "scheduled" },
      data: {
        status: "running",
        activeForServiceId: run.serviceId,
        policyVersionId: prepared.policyVersionId,
        context: prepared.context as unknown as Prisma.InputJsonValue,
        startedAt: now,
      },
    });
    if (changed.count === 0) throw new MovedMeanwhile(`run ${run.id} is no longer scheduled`);
    const actor: AuditActor = { type: "user", id: run.startedById, label: by, ip: null };
    await writeRunStart(tx, prepared, run.id, actor, { scheduledAt: run.scheduledAt!.toISOString(), rule: decision.rule, sentence: sentenceOf(decision.rule) });
  });
}

/** Starts or refuses one due run; what made its start fail at the last moment refuses it. */
async function startOrRefuse(run: ScheduledRun, lease: HeldLease, now: Date): Promise<void> {
  const decision = decideDue(await dueFacts(run, now));
  if (decision.action === "wait") return;
  if (decision.action === "refuse") return refuse(run, decision, lease, now);
  try {
    await start(run, decision, lease, now);
  } catch (error) {
    if (error instanceof LeaseLostError || error instanceof MovedMeanwhile) throw error;
    if (isUniqueViolation(error)) {
      const conflict = await activeRunConflict(run.serviceId);
      return refuse(run, { rule: "another-run-active", action: "refuse", reason: conflict.message }, lease, now);
    }
    // Whatever the start itself refused (a parameter the topology no longer takes, no candidate, a retired service).
    return refuse(run, { rule: "pre-checks-fail", action: "refuse", reason: `its start was refused: ${(error as Error).message}` }, lease, now);
  }
}

/**
 * One pass of the scheduler, under the executor's lease: every scheduled
 * run whose time has come is started or refused (core/schedules DUE_RULES).
 * Returns how many it looked at.
 */
export async function startDueRuns(lease: HeldLease, log: (line: string) => void, now = new Date()): Promise<number> {
  const due = await db().run.findMany({
    where: { status: "scheduled", scheduledAt: { lte: now } },
    orderBy: { scheduledAt: "asc" },
    take: MAX_PER_PASS,
    include: { startedBy: { select: { email: true } } },
  });
  for (const run of due) {
    try {
      await startOrRefuse(run, lease, now);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      // Cancelled, or handled by another copy, meanwhile: nothing to do.
      if (error instanceof MovedMeanwhile) continue;
      log(`scheduled run ${run.id}: ${(error as Error).message}`);
    }
  }
  return due.length;
}
