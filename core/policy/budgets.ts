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
 * How long the primary's self-fencing lease lasts after its last renewal:
 * the policy's `heartbeat.primaryLeaseSeconds`, by default the staleness
 * window (then, by the time the automation can confirm a primary lost, a
 * primary that merely lost its links has stopped taking writes by itself).
 */
export function primaryLeaseMs(heartbeat: PolicyDocument["heartbeat"]): number {
  return heartbeat.primaryLeaseSeconds === undefined ? stalenessWindowMs(heartbeat) : Math.round(heartbeat.primaryLeaseSeconds * 1000);
}

/**
 * A witness vouches for a primary only from a probe that succeeded within
 * this long of starting, so a vouch can postdate the start of the witness's
 * run of failed probes by at most this much.
 */
export const WITNESS_VOUCH_WITHIN_MS = 1_000;

/*
 * The lease's error budget. The agent measures its lease on its own clock and
 * fences ahead of its end; the control plane, on the store's clock, promotes
 * another replica only after that end plus a margin. Both sides derive their
 * moments from these three numbers and nothing else (README, "Never two
 * writable primaries", states the formula; core/replication/lease-lapse.test.ts
 * replays it at the worst drift).
 */

/**
 * How much faster or slower than the store's clock an agent's or a witness's
 * clock may run while it measures a lease: 1 %, a hundred times a quartz
 * clock's error, to cover virtualised timers. A clock that stops (a suspended
 * virtual machine) is beyond any rate budget; the agent's fence-on-lapse at
 * its next tick and the fencing epoch cover it.
 */
export const CLOCK_RATE_DRIFT = 0.01;

/**
 * The agent starts its fence this long before its lease ends on its own
 * clock: connecting, ALTER SYSTEM and the reload reaching every backend take
 * a few tens of milliseconds, so the fence is in force by the end.
 */
export const FENCE_LEAD_MS = 250;

/**
 * How long past the lease's end (on the store's clock, drift aside) a fence
 * started FENCE_LEAD_MS ahead may still be taking hold: a timer firing late,
 * or a fence slowed by a loaded host.
 */
export const FENCE_OVERRUN_MS = 250;

/**
 * Added to a lease's end before another replica may be promoted, for a lease
 * measured over `spanMs` (the period, plus the vouch allowance when counted
 * from a witness's failures): a clock running slow by CLOCK_RATE_DRIFT makes
 * `spanMs` last up to spanMs / (1 - drift) of the store's time, and the fence
 * may overrun the end by FENCE_OVERRUN_MS.
 */
export function leaseLapseMarginMs(spanMs: number): number {
  return Math.ceil((spanMs * CLOCK_RATE_DRIFT) / (1 - CLOCK_RATE_DRIFT)) + FENCE_OVERRUN_MS;
}

/**
 * The shortest lease a heartbeat can renew without fencing its primary over
 * one lost renewal: the agent asks again an interval after a renewal that
 * went unanswered (and, for such a short lease, every interval: core/agents/
 * lease-renewal.ts), so a lease must outlast two intervals and the fence's lead.
 */
export function shortestPrimaryLeaseMs(heartbeat: Pick<PolicyDocument["heartbeat"], "intervalSeconds">): number {
  return 2 * heartbeat.intervalSeconds * 1000 + FENCE_LEAD_MS;
}

/**
 * From the moment the witnesses first fail to reach a primary that died,
 * how long before another replica may be promoted: the loss is confirmed
 * after the window, and the lease lapses (as core/replication/lease-lapse.ts
 * counts it) after the vouch allowance, the period and the margin; the later
 * of the two. A lease of at most window − vouch allowance − margin adds nothing.
 */
export function failoverWaitMs(heartbeat: PolicyDocument["heartbeat"]): number {
  const span = WITNESS_VOUCH_WITHIN_MS + primaryLeaseMs(heartbeat);
  return Math.max(stalenessWindowMs(heartbeat), span + leaseLapseMarginMs(span));
}
