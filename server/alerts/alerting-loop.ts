import "server-only";
import { hostname } from "node:os";
import { acquireLease } from "../lease/lease";
import { LeaseLostError, type HeldLease } from "../lease/assert-lease";
import { deliverNotifications } from "./deliver-notifications";
import { evaluateAlerts } from "./evaluate-alerts";

export const ALERTING_LEASE = "alerting";
const LEASE_TTL_MS = 10_000;
const TICK_MS = 1_000;

async function heldLease(holder: string): Promise<HeldLease | null> {
  const grant = await acquireLease(ALERTING_LEASE, holder, LEASE_TTL_MS);
  return grant.held ? { name: ALERTING_LEASE, holder, token: grant.token } : null;
}

/**
 * Evaluates the alert rules every second and delivers notifications, in the
 * one control-plane copy that holds the alerting lease; delivery runs on its
 * own loop so a slow webhook never delays an evaluation.
 */
export function startAlerting(log: (line: string) => void = (line) => console.log(`[alerts] ${line}`)): () => void {
  const holder = `${hostname()}:${process.pid}:alerts`;
  let stopped = false;
  const loop = (name: string, work: (lease: HeldLease) => Promise<unknown>) =>
    void (async () => {
      while (!stopped) {
        try {
          const lease = await heldLease(holder);
          if (lease) await work(lease);
        } catch (error) {
          if (!(error instanceof LeaseLostError)) log(`${name}: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    })();
  loop("evaluation", (lease) => evaluateAlerts(lease));
  loop("delivery", () => deliverNotifications());
  return () => {
    stopped = true;
  };
}
