import type { PolicyDocument } from "@/contracts/policy";

/**
 * The tighter policy the failover benchmarks and chaos tests measure: reports
 * and witness probes every 0.5 s, a primary unfit after 3.5 s, and a lease of
 * 2.2 s, which (with the 1 s vouch allowance and its margin) lapses by the
 * time the loss is confirmed (core/policy/budgets.ts, failoverWaitMs).
 */
export const FAST_FAILOVER_HEARTBEAT: PolicyDocument["heartbeat"] = { intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 2.2 };
