import { performance } from "node:perf_hooks";
import type { InPlaceRestart } from "@/contracts/agent-reports";
import { decideInPlaceRestart, IN_PLACE_RESTART_TIMEOUT_MS, restartsWithin, type CrashLoopLimit, type InPlaceRestartRule } from "@/core/agents/in-place-restart";
import type { LocalServer } from "../commands/rewind/local-server";
import { errorMessage, truncate } from "../error-message";
import type { Logger } from "../log";

/** What the restarter asks of the lease keeper, which keeps a restarted primary read-only until the control plane grants it the lease. */
export interface RestartLeaseGuard {
  /** The control plane's latest answer refused the lease. */
  readonly refused: boolean;
  /** Takes the read-only setting written before the start as this agent's own fence, to undo on a grant. */
  adoptRestartFence(): void;
  /** Looks at the server again now. */
  wake(): void;
}

export interface InPlaceRestarterOptions {
  server: LocalServer;
  enabled: boolean;
  limit: CrashLoopLimit;
  /** Null without a commands section: then a primary is never restarted. */
  lease: RestartLeaseGuard | null;
  log: Logger;
  /** Called once a restarted server accepts connections, to probe and report it at once. */
  onRestarted?: () => void;
  wallClock?: () => Date;
  monotonic?: () => number;
}

/** An ended attempt is told in reports this long, so that its outcome reaches the control plane whatever the delivery's delays. */
const TOLD_AFTER_END_MS = 60_000;
/** pg_ctl refuses a start while the dead postmaster's children still hold its shared memory; they exit within moments. */
const RETRY_PAUSE_MS = 200;

/**
 * Restarts the local PostgreSQL in place when it crashed on a healthy host
 * (core/agents/in-place-restart.ts decides), from the agent's loop: after
 * every probe of the server it is told whether the server answered. An
 * attempt runs in the background while the loop goes on reporting it
 * (`report`), so the control plane holds off its failover meanwhile. A
 * folder that starts as a primary is started read-only, as the lease
 * keeper's own fence; the keeper undoes it only on a grant of the control
 * plane, which never grants a superseded primary.
 */
export class InPlaceRestarter {
  private readonly startedAt: number[] = [];
  private readonly wallClock: () => Date;
  private readonly monotonic: () => number;
  private attempt: { told: InPlaceRestart; endedAt: number | null } | null = null;
  private running: Promise<void> | null = null;
  private lastAttemptFailed = false;
  private givenUp: string | null = null;
  private attempts = 0;

  constructor(private readonly options: InPlaceRestarterOptions) {
    this.wallClock = options.wallClock ?? (() => new Date());
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  /** After each probe of the local server: decides, and starts an attempt or gives up, as the rules say. */
  observed(serverAnswers: boolean): void {
    if (serverAnswers) {
      this.lastAttemptFailed = false;
      this.givenUp = null;
    }
    const { server, enabled, limit, lease } = this.options;
    const now = this.monotonic();
    // The folder is read only when the rules get that far: a server that answers costs nothing.
    const looked = !serverAnswers && enabled;
    const rule = decideInPlaceRestart({
      enabled,
      serverAnswers,
      restarting: this.running !== null,
      lastAttemptFailed: this.lastAttemptFailed,
      postmaster: looked ? server.postmaster() : "running",
      folderProblem: looked ? server.folderProblem() : null,
      startsAs: looked && !server.isStandbyFolder() ? "primary" : "standby",
      leaseKept: lease !== null,
      leaseRefused: lease?.refused ?? false,
      recentRestarts: restartsWithin(this.startedAt, now, limit),
      limit,
    });
    if (rule.action === "restart") this.restart(rule, now);
    if (rule.action === "give-up") this.giveUp(rule, now);
  }

  /** The attempt to tell in the next report, or null. */
  report(): InPlaceRestart | null {
    const attempt = this.attempt;
    if (!attempt) return null;
    if (attempt.endedAt !== null && this.monotonic() - attempt.endedAt > TOLD_AFTER_END_MS) return null;
    return attempt.told;
  }

  /** Waits for an attempt under way to end. */
  async stop(): Promise<void> {
    await this.running;
  }

  private nextId(): string {
    this.attempts += 1;
    return `${this.wallClock().getTime().toString(36)}-${this.attempts}`;
  }

  private giveUp(rule: InPlaceRestartRule, now: number): void {
    // Once per outage: the rule's reason does not change while the server stays down.
    if (this.givenUp === rule.id) return;
    this.givenUp = rule.id;
    const at = this.wallClock().toISOString();
    this.attempt = { told: { id: this.nextId(), state: "given-up", rule: rule.id, startedAt: at, endedAt: at, detail: rule.sentence }, endedAt: now };
    this.options.log.warn("restart.given_up", `not restarting the crashed server in place: ${rule.sentence}`, { rule: rule.id });
  }

  private restart(rule: InPlaceRestartRule, now: number): void {
    const { server, lease, log } = this.options;
    this.startedAt.push(now);
    const told: InPlaceRestart = { id: this.nextId(), state: "restarting", rule: rule.id, startedAt: this.wallClock().toISOString(), endedAt: null, detail: null };
    this.attempt = { told, endedAt: null };
    const primary = !server.isStandbyFolder();
    log.warn("restart.started", `the server crashed (a stale postmaster.pid, its data folder whole): restarting it in place${primary ? ", read-only until the control plane grants its lease" : ""}`, { rule: rule.id, attempt: told.id });
    this.running = this.start(primary, now)
      .then(
        () => {
          const tookMs = Math.round(this.monotonic() - now);
          this.end(told, "restarted", `accepting connections after ${tookMs} ms`);
          log.info("restart.succeeded", `the server accepts connections again after ${tookMs} ms`, { attempt: told.id, tookMs });
          lease?.wake();
          this.options.onRestarted?.();
        },
        (error: unknown) => {
          this.lastAttemptFailed = true;
          const detail = truncate(errorMessage(error), 1000);
          this.end(told, "failed", detail);
          log.error("database_error", "restart.failed", `restarting the server in place failed: ${detail}; leaving it to the failover`, { attempt: told.id });
        },
      )
      .finally(() => {
        this.running = null;
      });
  }

  /** Starts the server, again and again until the bound while pg_ctl refuses (the dead postmaster's children may still hold its memory). */
  private async start(primary: boolean, startedAt: number): Promise<void> {
    const { server, lease } = this.options;
    if (primary) {
      server.writeReadOnlyDefault();
      lease!.adoptRestartFence();
    }
    for (;;) {
      const left = IN_PLACE_RESTART_TIMEOUT_MS - (this.monotonic() - startedAt);
      try {
        await server.start(left);
        return;
      } catch (error) {
        if (left <= RETRY_PAUSE_MS || server.postmaster() === "running") throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  private end(told: InPlaceRestart, state: "restarted" | "failed", detail: string): void {
    if (this.attempt?.told !== told) return;
    this.attempt = { told: { ...told, state, endedAt: this.wallClock().toISOString(), detail }, endedAt: this.monotonic() };
  }
}
