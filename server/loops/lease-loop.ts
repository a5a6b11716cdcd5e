import "server-only";
import { hostname } from "node:os";
import { LOOPS, type LoopName } from "@/core/loops/loop-stall";
import { ANY, notifier } from "../db/pg-notifier";
import { acquireLease, releaseLease } from "../lease/lease";
import { LeaseLostError } from "../lease/assert-lease";
import { type LeaseKeeper, leaseKeeper } from "../lease/lease-keeper";
import { metrics } from "./loop-metrics";
import { recordFailure, recordPass } from "./loop-progress";

/** What one complete pass covered, and the services it could not handle (with why). */
export interface LoopPass {
  subjects: number;
  failures: Record<string, string>;
  /** A moment before the next tick when the next pass is due (something it decides changes by the clock then). */
  dueAt?: Date | null;
}

export interface LeaseLoop {
  /** Names the loop in its log lines, its lease's holder and its metrics; a loop of core/loops/loop-stall.ts also has its passes written down. */
  loop: string;
  lease: string;
  ttlMs: number;
  tickMs: number;
  /** A NOTIFY channel that ends the wait between passes early, so what is waited for is handled at once. */
  wakeOn?: string;
  /** The holder the lease is taken as, when another loop of this copy shares it (holderOf). */
  holder?: string;
  pass(keeper: LeaseKeeper): Promise<LoopPass>;
  log(line: string): void;
}

/** This control-plane copy, as lease holders and the metrics name it: its host and process. */
export const thisCopy = () => `${hostname()}:${process.pid}`;

/** Who holds a loop's lease in this control-plane copy. */
export const holderOf = (loop: string) => `${thisCopy()}:${loop}`;

/** The copy a lease holder (holderOf) belongs to. */
export const copyOfHolder = (holder: string) => holder.slice(0, holder.lastIndexOf(":"));

const watched = (loop: string): loop is LoopName => Object.hasOwn(LOOPS, loop);

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
 * service a pass could not handle are logged and counted in the metrics, and
 * for the watched loops written to the loop's progress, which the fleet
 * page and an alert read (core/loops/loop-stall.ts). Returns a function that
 * stops it: it waits for the pass under way, then gives the lease up so that
 * another copy takes over at once rather than when the lease expires.
 */
export function startLeaseLoop({ loop, lease: name, ttlMs, tickMs, wakeOn, holder = holderOf(loop), pass, log }: LeaseLoop): () => Promise<void> {
  const fail = failureLog(log);
  const counters = metrics();
  const stopping = new AbortController();
  let held: LeaseKeeper | null = null;
  const running = (async () => {
    while (!stopping.signal.aborted) {
      const started = performance.now();
      let waitMs = tickMs;
      // Taken before the pass: what is notified while it runs ends the wait after it at once.
      const since = wakeOn ? await notifier(wakeOn).cursor() : undefined;
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
          if (done.dueAt) waitMs = Math.max(0, Math.min(tickMs, done.dueAt.getTime() - Date.now()));
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
          if (watched(loop)) await recordPass(loop, holder, { ms, subjects: done.subjects, failures: done.failures });
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
        if (watched(loop)) await recordFailure(loop, holder, message);
      }
      await pause(waitMs, wakeOn, stopping.signal, since);
    }
  })();
  return async () => {
    stopping.abort();
    await running;
    if (held) await releaseLease(name, holder).catch((error: unknown) => log(`could not give the ${name} lease up: ${messageOf(error)}`));
  };
}

/** Waits out a tick, less if the channel is notified (since `since`) or the loop is stopped. */
async function pause(ms: number, wakeOn: string | undefined, signal: AbortSignal, since: number | undefined): Promise<void> {
  if (signal.aborted) return;
  if (wakeOn) {
    await notifier(wakeOn).wait(ANY, ms, signal, since);
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
