/** A failure said again within this long of the last time it was said is counted, not logged. */
export const REPEAT_LOG_MS = 60_000;

const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;

/**
 * Exponential backoff with jitter: between half and all of base × 2^(failures-1),
 * capped, so a fleet of agents that lost the control plane together does not
 * come back in lockstep.
 */
export function backoffDelayMs(failures: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/**
 * Failures in a row to reach the control plane: each is counted, but logged
 * only when the streak begins and then once every REPEAT_LOG_MS, so an outage
 * is heard without drowning the log; the answer that ends it is said once.
 */
export class FailureStreak {
  private count = 0;
  private loggedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly clock: () => number = Date.now) {}

  get failures(): number {
    return this.count;
  }

  /** Counts a failure that is not logged here; returns the streak's length. */
  add(): number {
    return ++this.count;
  }

  /** Counts a failure; whether to log it. */
  addLogged(): boolean {
    this.count += 1;
    const now = this.clock();
    if (this.count > 1 && now - this.loggedAt < REPEAT_LOG_MS) return false;
    this.loggedAt = now;
    return true;
  }

  /** The control plane answered: ends the streak, returning how long it was (0 if there was none). */
  end(): number {
    const ended = this.count;
    this.count = 0;
    this.loggedAt = Number.NEGATIVE_INFINITY;
    return ended;
  }
}

/**
 * The waits of a loop that must stop promptly: `sleep` ends early on `wake`
 * (remembered when nothing waits yet, so an answer that arrives just before
 * the wait is not missed) and at once for good after `stop`, which also
 * aborts `signal` for the requests the loop makes.
 */
export class LoopWaits {
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | null = null;
  private wakePending = false;

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  stop(): void {
    this.abort.abort();
    this.wake();
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.wakePending || this.stopped || ms <= 0) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
