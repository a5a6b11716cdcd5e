import "server-only";
import { nextDueAfter, scheduleDecision } from "@/core/drills/drill-schedule";
import { windowInForce } from "@/core/policy/maintenance-windows";
import { ACTIVE_DRILL_STATUSES } from "@/contracts/drills";
import { TERMINAL_RUN_STATUSES } from "@/core/runbooks/run-machine";
import { db } from "../db/client";
import type { Drill, DrillSchedule } from "../db/generated/client";
import { assertLeaseHeld, LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { startLeaseLoop } from "../loops/lease-loop";
import { effectivePolicies } from "../policy/effective-policy";
import { planRunbook } from "../runbooks/plan-runbook";
import { createRun } from "../runs/start-run";
import { runContextOf } from "../runs/stored-run";
import { personRefusal } from "../schedules/schedule-facts";
import { canaryCredentials, canaryVariable } from "./canary-credentials";
import { CanaryWriter } from "./canary-writer";
import { finishDrill } from "./drill-report";
import { approvalNeededFor, expireApprovals, requestApproval } from "./drill-approvals";
import { recordDrill, writeRegionOf } from "./start-drill";

export const DRILLS_LEASE = "drills";
const LEASE_TTL_MS = 10_000;
const TICK_MS = 500;
/** A scheduled drill's run waits for the canary's first acknowledged writes, so the outage is seen from its start; but not forever. */
const CANARY_READY_WRITES = 5;
const CANARY_READY_WITHIN_MS = 30_000;

const FINISHED_RUN: ReadonlySet<string> = new Set(TERMINAL_RUN_STATUSES);
const DRILL_AUTOMATION = { type: "automation" as const, id: null, label: "drill schedule" };

/** The canaries this copy runs, by drill; null where none can run, with why. */
const canaries = new Map<string, { writer: CanaryWriter | null; why: string }>();

async function canaryFor(drill: Drill, log: (line: string) => void): Promise<{ writer: CanaryWriter | null; why: string }> {
  const known = canaries.get(drill.id);
  if (known) return known;
  const credentials = await canaryCredentials(drill.serviceId);
  const entry = credentials
    ? { writer: new CanaryWriter(drill.id, drill.serviceId, credentials, log), why: `The canary wrote with ${credentials.source}.` }
    : {
        writer: null,
        why: `No canary ran: the control plane has no usable credentials to write to ${drill.serviceId} (set ${canaryVariable(drill.serviceId)} to a postgresql:// connection string); RTO comes from the agents' reports and RPO was not measured.`,
      };
  entry.writer?.start();
  canaries.set(drill.id, entry);
  return entry;
}

async function end(drill: Drill, lease: HeldLease, problem: string | null, log: (line: string) => void): Promise<void> {
  const canary = await canaryFor(drill, log);
  await finishDrill(drill, lease, canary.writer, canary.why, problem);
  canaries.delete(drill.id);
}

/**
 * Who confirmed a scheduled drill's manual steps in advance: the person who
 * created its schedule, as their account stands now (a drill acts in their
 * name, so one disabled or no longer an operator of the service starts none).
 */
async function scheduleConfirmation(drill: Drill): Promise<{ confirmation: string } | { refused: string }> {
  const schedule = drill.scheduleId ? await db().drillSchedule.findUnique({ where: { id: drill.scheduleId }, select: { id: true, createdById: true, everyDays: true } }) : null;
  if (!schedule) return { refused: "the drill has no schedule to answer for it" };
  const refused = await personRefusal(schedule.createdById, drill.serviceId);
  if (refused) return { refused: `its schedule's creator may not start it: ${refused}` };
  const creator = await db().user.findUniqueOrThrow({ where: { id: schedule.createdById! }, select: { email: true } });
  return { confirmation: `confirmed in advance by ${creator.email}, who created drill schedule ${schedule.id} (every ${schedule.everyDays} days)` };
}

/**
 * Who confirms the run's manual steps: for a scheduled drill, its
 * schedule's creator in advance; for a person's drill that waited for its
 * approval, nobody in advance (its run is guided, a person confirms each
 * step) as long as that person may still operate runs on the service.
 */
async function runConfirmation(drill: Drill): Promise<{ confirmation: string | undefined; sentence: string; ruleId: string } | { refused: string }> {
  if (drill.scheduleId) {
    const confirmed = await scheduleConfirmation(drill);
    if ("refused" in confirmed) return confirmed;
    return { confirmation: confirmed.confirmation, ruleId: "drill-scheduled", sentence: `A scheduled drill (${drill.id}) rehearses ${drill.runbookId}.` };
  }
  const refused = await personRefusal(drill.startedById, drill.serviceId);
  if (refused) return { refused: `the person who asked for it may not start it: ${refused}` };
  return { confirmation: undefined, ruleId: "drill-approved", sentence: `A drill (${drill.id}) approved by a second person rehearses ${drill.runbookId}; a person confirms its steps.` };
}

/**
 * The run a scheduled drill (or an approved one) rehearses, once its canary
 * writes: guided, as the automation hands a run to people, with its manual
 * steps confirmed in advance by the schedule's creator (a scheduled drill)
 * and any approval step it needs waiting for a second person.
 */
async function startScheduledRun(drill: Drill, lease: HeldLease, log: (line: string) => void): Promise<void> {
  const canary = await canaryFor(drill, log);
  const ready = !canary.writer || canary.writer.acknowledged >= CANARY_READY_WRITES || Date.now() - drill.createdAt.getTime() > CANARY_READY_WITHIN_MS;
  if (!ready) return;
  const params = drill.params as Record<string, string>;
  const confirmed = await runConfirmation(drill);
  if ("refused" in confirmed) return end(drill, lease, `The drill's run could not start: ${confirmed.refused}`, log);
  try {
    await createRun(
      drill.runbookId,
      params,
      { type: "automation", mode: "guided", lease, ruleId: confirmed.ruleId, sentence: confirmed.sentence },
      {
        confirmedInAdvance: confirmed.confirmation,
        alongside: async (tx, runId) => {
          await tx.drill.update({ where: { id: drill.id }, data: { runId, status: "running" } });
        },
      },
    );
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    await end(drill, lease, `The drill's run could not start: ${(error as Error).message}`, log);
  }
}

/** After the rehearsed run: back to the original write region when asked (a run of its own, in the drill run's mode), else the report. */
/** How long a switch back waits for its checks to pass after the drill's run, before it starts anyway and reports what failed. */
const SWITCH_BACK_READY_WITHIN_MS = 60_000;

async function afterRun(drill: Drill, lease: HeldLease, log: (line: string) => void): Promise<void> {
  const run = drill.runId ? await db().run.findUnique({ where: { id: drill.runId }, select: { status: true, mode: true, context: true, finishedAt: true } }) : null;
  if (run && !FINISHED_RUN.has(run.status)) return;
  const regionNow = await writeRegionOf(drill.serviceId);
  if (!drill.switchBack || run?.status !== "succeeded" || !drill.originalRegionId || regionNow === drill.originalRegionId) return end(drill, lease, null, log);
  const params = { service: drill.serviceId, to_region: drill.originalRegionId, reason: `drill ${drill.id}: switch back to ${drill.originalRegionId}` };
  // The old primary rejoined as a standby moments ago; its agent's next reports say so. Until they do (or a minute has passed), the switch back's checks would fail on a stale report.
  const ready = await planRunbook("planned-switchover", params).then((plan) => plan.blockers.length === 0, () => false);
  if (!ready && Date.now() - (run.finishedAt?.getTime() ?? 0) < SWITCH_BACK_READY_WITHIN_MS) return;
  try {
    await createRun(
      // Whatever the drill rehearsed, going back is a planned switchover to where the service wrote before.
      "planned-switchover",
      params,
      { type: "automation", mode: run.mode, lease, ruleId: "drill-switch-back", sentence: `The drill ${drill.id} switches ${drill.serviceId} back to ${drill.originalRegionId}, as asked.` },
      {
        // The switch back is confirmed as the drill's own run was: in advance for a scheduled drill, by a person otherwise.
        confirmedInAdvance: runContextOf(run.context).confirmedInAdvance ?? undefined,
        alongside: async (tx, runId) => {
          await tx.drill.update({ where: { id: drill.id }, data: { switchBackRunId: runId, status: "switching_back" } });
        },
      },
    );
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    await end(drill, lease, `The switch back could not start: ${(error as Error).message}`, log);
  }
}

async function afterSwitchBack(drill: Drill, lease: HeldLease, log: (line: string) => void): Promise<void> {
  const back = await db().run.findUnique({ where: { id: drill.switchBackRunId! }, select: { status: true } });
  if (back && !FINISHED_RUN.has(back.status)) return;
  await end(drill, lease, null, log);
}

async function driveDrills(lease: HeldLease, log: (line: string) => void): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  const drills = await db().drill.findMany({ where: { status: { in: ["starting", "running", "switching_back"] } }, orderBy: { createdAt: "asc" } });
  for (const drill of drills) {
    try {
      await canaryFor(drill, log);
      if (drill.status === "starting") await startScheduledRun(drill, lease, log);
      else if (drill.status === "running") await afterRun(drill, lease, log);
      else await afterSwitchBack(drill, lease, log);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      failures[drill.serviceId] = `drill ${drill.id}: ${(error as Error).message}`;
    }
  }
  return failures;
}

async function startDue(schedule: DrillSchedule, lease: HeldLease, now: Date): Promise<void> {
  const [policies, activeRun, activeDrill] = await Promise.all([
    effectivePolicies([schedule.serviceId]),
    db().run.count({ where: { activeForServiceId: schedule.serviceId } }),
    db().drill.count({ where: { serviceId: schedule.serviceId, status: { in: [...ACTIVE_DRILL_STATUSES] } } }),
  ]);
  const windows = policies.get(schedule.serviceId)?.document.maintenanceWindows ?? [];
  const decision = scheduleDecision(
    { disabled: schedule.disabledAt !== null, nextDueAt: schedule.nextDueAt, everyDays: schedule.everyDays, inMaintenanceWindow: schedule.inMaintenanceWindow, windowOpen: windowInForce(windows, now) !== null, busy: activeRun + activeDrill > 0 },
    now,
  );
  if (!decision.start) return;
  const originalRegionId = await writeRegionOf(schedule.serviceId);
  const params = schedule.params as Record<string, string>;
  // On a service whose policy requires it, the drill waits for someone other than the schedule's creator to approve it.
  const needed = await approvalNeededFor([schedule.serviceId], now);
  await db().$transaction(async (tx) => {
    await assertLeaseHeld(tx, lease);
    // From the due time it was read at: a second copy (or a second pass) finds it moved and starts nothing.
    const moved = await tx.drillSchedule.updateMany({ where: { id: schedule.id, nextDueAt: schedule.nextDueAt }, data: { nextDueAt: nextDueAfter(schedule.nextDueAt, schedule.everyDays, now) } });
    if (moved.count === 0) return;
    const drillId = await recordDrill(
      tx,
      {
        serviceId: schedule.serviceId,
        runbookId: schedule.runbookId,
        params,
        switchBack: schedule.switchBack,
        status: needed ? "awaiting_approval" : "starting",
        originalRegionId,
        scheduleId: schedule.id,
        reason: params.reason ?? `scheduled drill every ${schedule.everyDays} days`,
      },
      DRILL_AUTOMATION,
    );
    if (needed) await requestApproval(tx, { kind: "drill", id: drillId }, schedule.createdById, needed);
  });
}

/** One pass: approvals no one gave in time expire, due schedules start their drills, and every active drill moves on (canary, run, switch back, report). */
export async function drillPass(lease: HeldLease, log: (line: string) => void, now = new Date()): Promise<{ subjects: number; failures: Record<string, string> }> {
  const failures: Record<string, string> = {};
  try {
    await expireApprovals(lease, now);
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    failures.approvals = (error as Error).message;
  }
  const due = await db().drillSchedule.findMany({ where: { disabledAt: null, nextDueAt: { lte: now } } });
  for (const schedule of due) {
    try {
      await startDue(schedule, lease, now);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      failures[schedule.serviceId] = `schedule ${schedule.id}: ${(error as Error).message}`;
    }
  }
  Object.assign(failures, await driveDrills(lease, log));
  return { subjects: due.length + canaries.size, failures };
}

/** The drill loop, under its own lease: one copy starts due drills and runs the canaries. Stopping it stops the canaries too. */
export function startDrillLoop(log: (line: string) => void = (line) => console.log(`[drills] ${line}`)): () => Promise<void> {
  const stop = startLeaseLoop({ loop: "drills", lease: DRILLS_LEASE, ttlMs: LEASE_TTL_MS, tickMs: TICK_MS, log, pass: (keeper) => drillPass(keeper.lease, log) });
  return async () => {
    await stop();
    await Promise.all([...canaries.values()].map((entry) => entry.writer?.stop()));
    canaries.clear();
  };
}
