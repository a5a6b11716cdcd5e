import "server-only";
import { availableParallelism } from "node:os";
import { RateLimitedError } from "../errors";

/**
 * Password hashing is deliberately expensive. It runs on libuv's thread pool
 * (never on the event loop), and at most `concurrency` hashes run at once so
 * that the pool's other work (files, DNS) and the rest of the control plane
 * keep their share of the cores; at most `queue` more wait, and beyond that a
 * caller is told to come back rather than piling up behind a flood.
 */
export class PasswordSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw new RateLimitedError("The control plane is busy checking passwords. Try again in a few seconds.", 2);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `running` stays counted.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Hashes running and waiting, for tests and metrics. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** One pool per process: half the cores, at least one. */
export const passwordSlots = new PasswordSlots(Math.max(1, Math.floor(availableParallelism() / 2)), 64);
