import "server-only";
import pg from "pg";

type Waiter = () => void;

/** Waiters for any payload. */
export const ANY = "*";

/**
 * One LISTEN connection per channel and control-plane process, waking those
 * who wait for a payload (or for any). If the connection is down, waits run to
 * their timeout and callers look again: later, never lost.
 *
 * A notification is only heard by whoever waits at that moment, so a caller
 * that looks, then waits, takes `cursor()` before looking: a wait given that
 * cursor returns at once when anything was notified on the channel since,
 * instead of sleeping through what arrived while it looked.
 */
export class PgNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  /** Notifications heard on the channel so far, whatever their payload. */
  private heard = 0;

  constructor(private readonly channel: string) {}

  /** Where the channel stands now: pass it to `wait` to return at once if anything is notified after this. */
  async cursor(): Promise<number> {
    await this.ensureListening();
    return this.heard;
  }

  private wake(key: string): void {
    for (const wake of this.waiters.get(key) ?? []) wake();
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.connecting) return this.connecting ?? Promise.resolve();
    const url = process.env.DATABASE_URL;
    if (!url) return Promise.resolve();
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (message) => {
      this.heard++;
      if (message.payload) this.wake(message.payload);
      this.wake(ANY);
    });
    const reset = () => {
      this.client = null;
      void client.end().catch(() => {});
    };
    client.on("error", reset);
    client.on("end", () => {
      if (this.client === client) this.client = null;
    });
    this.connecting = client
      .connect()
      .then(() => client.query(`LISTEN ${this.channel}`))
      .then(() => {
        this.client = client;
      })
      .catch(reset)
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  /**
   * Resolves when `key` (or, with ANY, anything) is notified, after `ms`, or
   * when `signal` aborts; at once when anything was notified after `since`
   * (a `cursor()`), which may be another key's: the caller looks again.
   * True when a notification ended it, false on the timeout or the signal.
   */
  async wait(key: string, ms: number, signal?: AbortSignal, since?: number): Promise<boolean> {
    await this.ensureListening();
    if (since !== undefined && this.heard > since) return true;
    if (signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const set = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, set);
      const end = (notified: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", ended);
        set.delete(woken);
        if (set.size === 0) this.waiters.delete(key);
        resolve(notified);
      };
      const woken = () => end(true);
      const ended = () => end(false);
      const timer = setTimeout(ended, ms);
      signal?.addEventListener("abort", ended);
      set.add(woken);
    });
  }
}

const globalForNotifiers = globalThis as unknown as { switchyardNotifiers?: Map<string, PgNotifier> };

export function notifier(channel: string): PgNotifier {
  globalForNotifiers.switchyardNotifiers ??= new Map();
  let existing = globalForNotifiers.switchyardNotifiers.get(channel);
  if (!existing) {
    existing = new PgNotifier(channel);
    globalForNotifiers.switchyardNotifiers.set(channel, existing);
  }
  return existing;
}
