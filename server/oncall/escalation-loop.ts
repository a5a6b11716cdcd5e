import "server-only";
import { LOOPS } from "@/core/loops/loop-stall";
import { startLeaseLoop } from "../loops/lease-loop";
import { escalate } from "./escalate";

export const PAGING_LEASE = "paging";
const LEASE_TTL_MS = 10_000;

/**
 * Escalation under its own lease, so one control-plane copy pages and none
 * twice; separate from the alert evaluator, whose reads it adds nothing to.
 * Its notifications go through the alerting loop's outbox delivery.
 */
export function startEscalationLoop(log: (line: string) => void = (line) => console.log(`[paging] ${line}`)): () => Promise<void> {
  return startLeaseLoop({
    loop: "paging",
    lease: PAGING_LEASE,
    ttlMs: LEASE_TTL_MS,
    // Timeouts are whole minutes: a pass every 5 s pages at most 5 s late.
    tickMs: LOOPS.paging.tickMs,
    log,
    pass: async (keeper) => {
      const pass = await escalate(keeper.lease);
      return { subjects: pass.paged + pass.followUps, failures: {} };
    },
  });
}
