import "server-only";
import { LOOPS } from "@/core/loops/loop-stall";
import type { HeldLease } from "../lease/assert-lease";
import { holderOf, startLeaseLoop } from "../loops/lease-loop";
import { deliverNotifications } from "./deliver-notifications";
import { evaluateAlerts } from "./evaluate-alerts";

export const ALERTING_LEASE = "alerting";
const LEASE_TTL_MS = 10_000;
const DELIVERY_TICK_MS = 1_000;

/**
 * Evaluates the alert rules every second and delivers notifications, in the
 * one control-plane copy that holds the alerting lease. Delivery is a loop of
 * its own under the same lease and holder, so a slow webhook never delays an
 * evaluation.
 */
export function startAlerting(log: (line: string) => void = (line) => console.log(`[alerts] ${line}`)): () => Promise<void> {
  const stopEvaluation = startLeaseLoop({
    loop: "alerting",
    lease: ALERTING_LEASE,
    ttlMs: LEASE_TTL_MS,
    tickMs: LOOPS.alerting.tickMs,
    log,
    pass: async (keeper) => {
      const lease: HeldLease = keeper.lease;
      const evaluation = await evaluateAlerts(lease);
      return { subjects: evaluation.written, failures: {} };
    },
  });
  const stopDelivery = startLeaseLoop({
    loop: "delivery",
    lease: ALERTING_LEASE,
    ttlMs: LEASE_TTL_MS,
    tickMs: DELIVERY_TICK_MS,
    holder: holderOf("alerting"),
    log,
    pass: async () => {
      const delivery = await deliverNotifications();
      return { subjects: delivery.delivered + delivery.failed, failures: {} };
    },
  });
  return async () => {
    await Promise.all([stopEvaluation(), stopDelivery()]);
  };
}
