import "server-only";
import pg from "pg";
import { COMMAND_CHANNEL } from "./issue-command";

type Waiter = () => void;

/**
 * One LISTEN connection per control-plane process wakes the long-polls of
 * agents that have a new command. If it is down, waits simply run to their
 * timeout and the caller looks again, so nothing is lost, only later.
 */
class CommandNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;

  private ensureListening(): Promise<void> {
    if (this.client || this.connecting) return this.connecting ?? Promise.resolve();
    const url = process.env.DATABASE_URL;
    if (!url) return Promise.resolve();
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (message) => {
      const agentId = message.payload;
      if (!agentId) return;
      for (const wake of this.waiters.get(agentId) ?? []) wake();
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
      .then(() => client.query(`LISTEN ${COMMAND_CHANNEL}`))
      .then(() => {
        this.client = client;
      })
      .catch(reset)
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  /** Resolves when a command for `agentId` is issued, after `ms`, or when `signal` aborts. */
  async wait(agentId: string, ms: number, signal?: AbortSignal): Promise<void> {
    await this.ensureListening();
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(agentId) ?? new Set<Waiter>();
      this.waiters.set(agentId, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(agentId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
      set.add(done);
    });
  }
}

const globalForNotifier = globalThis as unknown as { switchyardCommandNotifier?: CommandNotifier };

export function commandNotifier(): CommandNotifier {
  globalForNotifier.switchyardCommandNotifier ??= new CommandNotifier();
  return globalForNotifier.switchyardCommandNotifier;
}
