import "server-only";
import pg from "pg";

type Waiter = () => void;

/** Waiters for any payload. */
export const ANY = "*";

/**
 * One LISTEN connection per channel and control-plane process, waking those
 * who wait for a payload (or for any). If the connection is down, waits run to
 * their timeout and callers look again: later, never lost.
 */
export class PgNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;

  constructor(private readonly channel: string) {}

  private wake(key: string): void {
    for (const wake of this.waiters.get(key) ?? []) wake();
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.connecting) return this.connecting ?? Promise.resolve();
    const url = process.env.DATABASE_URL;
    if (!url) return Promise.resolve();
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (message) => {
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

  /** Resolves when `key` (or, with ANY, anything) is notified, after `ms`, or when `signal` aborts. */
  async wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    await this.ensureListening();
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
      set.add(done);
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
