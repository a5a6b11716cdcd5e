import type { Tx } from "./transaction";

/** NOTIFY channel that wakes the run executor when something a run waits for has happened. */
export const RUN_EXECUTOR_CHANNEL = "run_executor";

/** Wakes the run executor for `runId` once `tx` commits (a NOTIFY is delivered at commit, or not at all). */
export async function wakeRunExecutor(tx: Pick<Tx, "$executeRaw">, runId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${RUN_EXECUTOR_CHANNEL}, ${runId})`;
}
