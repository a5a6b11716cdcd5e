import "server-only";
import { hostname } from "node:os";
import { ACTIVE_RUN_STATUSES } from "@/contracts/runs";
import { db } from "../db/client";
import { acquireLease } from "../lease/lease";
import { LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { ANY, notifier } from "../db/pg-notifier";
import { moveRun } from "./advance-run";
import { RUN_EXECUTOR_CHANNEL } from "../db/run-executor-channel";

export const EXECUTOR_LEASE = "run-executor";
const LEASE_TTL_MS = 10_000;
const TICK_MS = 250;
const MAX_MOVES_PER_TICK = 50;

/**
 * Advances every active run, in the one control-plane copy that holds the
 * executor lease. All run state is in the store, so a copy that starts (or
 * restarts) simply carries on from there; agent commands carry idempotency
 * keys, so a step interrupted mid-way never acts twice.
 */
export async function executorTick(holder: string, log: (line: string) => void): Promise<void> {
  const grant = await acquireLease(EXECUTOR_LEASE, holder, LEASE_TTL_MS);
  if (!grant.held) return;
  const lease: HeldLease = { name: EXECUTOR_LEASE, holder, token: grant.token };
  const runs = await db().run.findMany({ where: { status: { in: ["running", "compensating"] } }, select: { id: true }, orderBy: { createdAt: "asc" } });
  for (const { id } of runs) {
    try {
      for (let moves = 0; moves < MAX_MOVES_PER_TICK && (await moveRun(id, lease)); moves++);
    } catch (error) {
      if (error instanceof LeaseLostError) return;
      log(`run ${id}: ${(error as Error).message}`);
    }
  }
}

/**
 * Ticks every TICK_MS, or at once when an agent's answer (or a person's
 * decision) is recorded, so a step waiting on it moves on without waiting
 * for the clock.
 */
export function startRunExecutor(log: (line: string) => void = (line) => console.log(`[runs] ${line}`)): () => void {
  const holder = `${hostname()}:${process.pid}:runs`;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      await executorTick(holder, log).catch((error: unknown) => log(`executor: ${(error as Error).message}`));
      await notifier(RUN_EXECUTOR_CHANNEL).wait(ANY, TICK_MS);
    }
  })();
  return () => {
    stopped = true;
  };
}

export const isActive = (status: string) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
