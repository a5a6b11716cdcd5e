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

/**
 * The primary's self-fencing lease lasts as long as the staleness window: by
 * the time the automation can confirm a primary lost, a primary that merely
 * lost its links has stopped taking writes by itself.
 */
export function primaryLeaseMs(heartbeat: PolicyDocument["heartbeat"]): number {
  return stalenessWindowMs(heartbeat);
}

/**
 * Added to a lease's end before another replica may be promoted: clocks run
 * at slightly different rates, and the agent needs a moment to carry its
 * fence out (it fences at the moment its lease lapses, not at its next tick).
 */
export const PRIMARY_LEASE_MARGIN_MS = 1_000;

/**
 * A witness vouches for a primary only from a probe that succeeded within
 * this long of starting, so a vouch can postdate the start of the witness's
 * run of failed probes by at most this much.
 */
export const WITNESS_VOUCH_WITHIN_MS = 1_000;
