import "server-only";
import { db } from "../db/client";
import { acquireLease } from "../lease/lease";
import { LeaseLostError, type HeldLease } from "../lease/assert-lease";
import type { LeaseKeeper } from "../lease/lease-keeper";
import { RUN_EXECUTOR_CHANNEL } from "../db/run-executor-channel";
import { startLeaseLoop } from "../loops/lease-loop";
import { movePlans } from "../plans/move-plans";
import { moveRun } from "../runs/advance-run";
import { startDueRuns } from "../runs/start-due-runs";
import { askForReports, REPORT_RECHECK_MS } from "../commands/fresh-reports";

import { EXECUTOR_LEASE, EXECUTOR_LEASE_TTL_MS as LEASE_TTL_MS } from "../runs/executor-lease";

export { EXECUTOR_LEASE };
const TICK_MS = 250;
const MAX_MOVES_PER_TICK = 50;

/**
 * Starts the scheduled runs that are due and advances every active plan and run under a held executor lease. All run state is in
 * the store, so a copy that starts (or restarts) simply carries on from there;
 * agent commands carry idempotency keys, so a step interrupted mid-way never
 * acts twice. The keeper, when given, renews the lease between runs. A step
 * that waits on the replicas' reports has their agents asked for one now,
 * and the pass is due again soon (`dueAt`) to read it.
 */
async function moveActiveRuns(lease: HeldLease, log: (line: string) => void, keeper?: LeaseKeeper): Promise<{ subjects: number; dueAt: Date | null }> {
  // Scheduled runs whose time has come start (or are refused), and plans move, first: a run started now moves in this same pass.
  await startDueRuns(lease, log);
  const plans = await movePlans(lease, log);
  const runs = await db().run.findMany({ where: { status: { in: ["running", "compensating"] } }, select: { id: true }, orderBy: { createdAt: "asc" } });
  const awaited = new Set<string>();
  const awaitingReports = (replicaIds: string[]) => replicaIds.forEach((replicaId) => awaited.add(replicaId));
  for (const { id } of runs) {
    await keeper?.keep();
    const options = { awaitingReports };
    try {
      for (let moves = 0; moves < MAX_MOVES_PER_TICK && (await moveRun(id, lease, new Date(), options)); moves++);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      log(`run ${id}: ${(error as Error).message}`);
    }
  }
  // And after: a run that just ended frees its plan's slot for the next service now, not a tick later.
  await movePlans(lease, log);
  if (awaited.size) await askForReports(awaited);
  return { subjects: plans + runs.length, dueAt: awaited.size ? new Date(Date.now() + REPORT_RECHECK_MS) : null };
}

/** One tick of the executor as `holder`: takes the lease if it can and advances every active run. */
export async function executorTick(holder: string, log: (line: string) => void): Promise<void> {
  const grant = await acquireLease(EXECUTOR_LEASE, holder, LEASE_TTL_MS);
  if (!grant.held) return;
  await moveActiveRuns({ name: EXECUTOR_LEASE, holder, token: grant.token }, log).catch((error: unknown) => {
    if (!(error instanceof LeaseLostError)) throw error;
  });
}

/**
 * Ticks every TICK_MS, or at once when an agent's answer (or a person's
 * decision) is recorded, so a step waiting on it moves on without waiting
 * for the clock.
 */
export function startRunExecutor(log: (line: string) => void = (line) => console.log(`[runs] ${line}`)): () => Promise<void> {
  return startLeaseLoop({
    loop: "runs",
    lease: EXECUTOR_LEASE,
    ttlMs: LEASE_TTL_MS,
    tickMs: TICK_MS,
    wakeOn: RUN_EXECUTOR_CHANNEL,
    log,
    pass: async (keeper) => ({ ...(await moveActiveRuns(keeper.lease, log, keeper)), failures: {} }),
  });
}
