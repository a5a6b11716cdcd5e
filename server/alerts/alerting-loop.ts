import "server-only";
import { hostname } from "node:os";
import { acquireLease } from "../lease/lease";
import { LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { startLeaseLoop } from "../loops/lease-loop";
import { deliverNotifications } from "./deliver-notifications";
import { evaluateAlerts } from "./evaluate-alerts";

export const ALERTING_LEASE = "alerting";
const LEASE_TTL_MS = 10_000;
const DELIVERY_TICK_MS = 1_000;

/** Delivers queued notifications every second while this copy holds the alerting lease, so a slow webhook never delays an evaluation. */
function startDelivery(log: (line: string) => void): () => void {
  const holder = `${hostname()}:${process.pid}:alerting`;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const grant = await acquireLease(ALERTING_LEASE, holder, LEASE_TTL_MS);
        if (grant.held) await deliverNotifications();
      } catch (error) {
        if (!(error instanceof LeaseLostError)) log(`delivery: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, DELIVERY_TICK_MS));
    }
  })();
  return () => {
    stopped = true;
  };
}

/**
 * Evaluates the alert rules every second and delivers notifications, in the
 * one control-plane copy that holds the alerting lease.
 */
export function startAlerting(log: (line: string) => void = (line) => console.log(`[alerts] ${line}`)): () => void {
  const stopEvaluation = startLeaseLoop({
    loop: "alerting",
    lease: ALERTING_LEASE,
    ttlMs: LEASE_TTL_MS,
    log,
    pass: async (keeper) => {
      const lease: HeldLease = keeper.lease;
      const evaluation = await evaluateAlerts(lease);
      return { subjects: evaluation.written, failures: {} };
    },
  });
  const stopDelivery = startDelivery(log);
  return () => {
    stopEvaluation();
    stopDelivery();
  };
}
