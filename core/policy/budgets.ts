import type { PolicyDocument } from "@/contracts/policy";

/**
 * How long a replica may stay silent before its reports count as stale (and,
 * for the automation, before it and failing witnesses count at all): the
 * policy's heartbeat interval times the misses it tolerates.
 */
export function stalenessWindowMs(heartbeat: PolicyDocument["heartbeat"]): number {
  return heartbeat.intervalSeconds * heartbeat.missesBeforeUnfit * 1000;
}

/**
 * The tightest recovery point budget among a service's eventual datasets, in
 * seconds; null when none has one (strong datasets promise RPO 0 by
 * synchronous replication, not by a lag budget).
 */
export function rpoBudgetSeconds(datasets: readonly { consistency: string; rpoSeconds: number }[]): number | null {
  const budgets = datasets.filter((dataset) => dataset.consistency === "eventual" && dataset.rpoSeconds > 0).map((dataset) => dataset.rpoSeconds);
  return budgets.length ? Math.min(...budgets) : null;
}
