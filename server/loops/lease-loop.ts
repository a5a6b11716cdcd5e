import "server-only";
import { hostname } from "node:os";
import type { LoopName } from "@/core/loops/loop-stall";
import { LOOPS } from "@/core/loops/loop-stall";
import { acquireLease } from "../lease/lease";
import { LeaseLostError } from "../lease/assert-lease";
import { type LeaseKeeper, leaseKeeper } from "../lease/lease-keeper";
import { metrics } from "./loop-metrics";
import { recordFailure, recordPass } from "./loop-progress";

/** What one complete pass covered, and the services it could not handle (with why). */
export interface LoopPass {
  subjects: number;
  failures: Record<string, string>;
}

export interface LeaseLoop {
  loop: LoopName;
  lease: string;
  ttlMs: number;
  pass(keeper: LeaseKeeper): Promise<LoopPass>;
  log(line: string): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Says each failure once, then again only when it changes or every minute, so a stuck loop is heard without drowning the log. */
function failureLog(log: (line: string) => void) {
  let last = "";
  let lastAt = 0;
  let repeated = 0;
  return (message: string) => {
    const now = Date.now();
    if (message === last && now - lastAt < 60_000) {
      repeated++;
      return;
    }
    log(repeated ? `${message} (and ${repeated} times since the last line)` : message);
    last = message;
    lastAt = now;
    repeated = 0;
  };
}

/**
 * Runs a loop every tick in the one control-plane copy holding its lease.
 * Nothing stops silently: a lost lease, a failed or overrunning pass and a
 * service a pass could not handle are logged, counted in the metrics and
 * written to the loop's progress, which the fleet page and an alert read
 * (core/loops/loop-stall.ts). Returns a function that stops it.
 */
export function startLeaseLoop({ loop, lease: name, ttlMs, pass, log }: LeaseLoop): () => void {
  const holder = `${hostname()}:${process.pid}:${loop}`;
  const fail = failureLog(log);
  const counters = metrics();
  let stopped = false;
  let held: LeaseKeeper | null = null;
  void (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        if (held) await held.keep();
        else {
          const grant = await acquireLease(name, holder, ttlMs);
          if (grant.held) {
            log(`holding the ${name} lease (token ${grant.token})`);
            held = leaseKeeper({ name, holder, token: grant.token }, ttlMs, started);
          }
        }
        if (held) {
          held.beginPass();
          const done = await pass(held);
          const ms = performance.now() - started;
          counters.loopPasses.inc({ loop });
          counters.loopPassDuration.observe({ loop }, ms / 1000);
          if (held.overran()) {
            counters.loopOverruns.inc({ loop });
            fail(`${loop}: a pass took ${Math.round(ms)} ms, longer than its ${ttlMs} ms lease (renewed as it went)`);
          }
          const failed = Object.entries(done.failures);
          if (failed.length) {
            counters.loopServiceFailures.inc({ loop }, failed.length);
            fail(`${loop}: ${failed.length} of ${done.subjects} services not handled: ${failed.slice(0, 3).map(([id, why]) => `${id}: ${why}`).join("; ")}`);
          }
          await recordPass(loop, holder, { ms, subjects: done.subjects, failures: done.failures });
        }
      } catch (error) {
        const lost = error instanceof LeaseLostError;
        if (lost) {
          held = null;
          log(`no longer holding the ${name} lease: another copy may hold it`);
        }
        counters.loopFailures.inc({ loop, reason: lost ? "lease_lost" : "error" });
        const message = lost ? `lost the ${name} lease; the pass stopped` : `a pass failed: ${messageOf(error)}`;
        fail(`${loop}: ${message}`);
        await recordFailure(loop, holder, message);
      }
      await new Promise((resolve) => setTimeout(resolve, LOOPS[loop].tickMs));
    }
  })();
  return () => {
    stopped = true;
  };
}
