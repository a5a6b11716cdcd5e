import { performance } from "node:perf_hooks";
import type pg from "pg";
import { errorMessage } from "../error-message";
import { closeClient, connectWithin, newClient, newKeptClient, queryResult, within } from "../pg-client";
import type { LeaseServer, LeaseServerFactory, SelfFenceResult, ServerState, UnfenceResult, VouchListener } from "./lease-server";
import { fenceServer, unfenceServer } from "./server-fence";
import { VOUCH_CHANNEL, VOUCH_DEMAND_LOCK } from "./vouch";
import { ServerClock } from "./server-clock";

const FENCE_TIMEOUT_MS = 60_000;

/**
 * The keeper's one persistent connection to its server: it reads the
 * server's role and read-only setting every tick and, on a primary, LISTENs
 * for the witnesses' vouches (a standby refuses LISTEN, and no vouch is sent
 * to one). Any error drops it and the next read opens a new one (a fence ends
 * every client session, this one included); vouches sent while it is down
 * are lost, which only shortens the lease.
 *
 * Each read also measures the server's clock against this process's
 * monotonic one: witnesses date their vouches on the server's clock.
 *
 * The LISTENing session also holds the locks that tell witnesses whether to
 * vouch (VOUCH_DEMAND_LOCK): both from the LISTEN on, so a new session asks
 * for vouches until the keeper says it needs none.
 */
export class LocalSession implements LeaseServer {
  private client: pg.Client | null = null;
  private listening = false;
  /** This session holds VOUCH_DEMAND_LOCK.wanted. */
  private askingForVouches = false;
  private lastError: string | null = null;
  private readonly clock: ServerClock;

  constructor(
    private readonly connectionString: string,
    private readonly timeoutMs: number,
    private readonly onNotification: VouchListener,
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    this.clock = new ServerClock(monotonic);
  }

  serverTimeUs(monotonicMs: number): number | null {
    return this.clock.serverTimeUs(monotonicMs);
  }

  monotonicMs(serverUs: number): number | null {
    return this.clock.monotonicMs(serverUs);
  }

  get error(): string | null {
    return this.lastError;
  }

  async read(): Promise<ServerState | null> {
    try {
      const client = this.client ?? (await this.connect());
      const sent = this.monotonic();
      const { rows } = await within(
        queryResult<{ in_recovery: boolean; read_only: string; now_us: string }>(
          client,
          "SELECT pg_is_in_recovery() AS in_recovery, current_setting('default_transaction_read_only') AS read_only, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS now_us",
        ),
        this.timeoutMs,
        "read of the local server's role",
      );
      const row = rows[0];
      if (!row) throw new Error("the server returned no row");
      this.clock.answered(Number(row.now_us), sent);
      if (!row.in_recovery && !this.listening) {
        const { key, asksWhenNeeded, wanted } = VOUCH_DEMAND_LOCK;
        await within(
          queryResult(client, `LISTEN ${VOUCH_CHANNEL}; SELECT pg_try_advisory_lock_shared(${key}, ${wanted}), pg_try_advisory_lock_shared(${key}, ${asksWhenNeeded})`),
          this.timeoutMs,
          "LISTEN on the local server",
        );
        this.listening = true;
        this.askingForVouches = true;
      }
      this.lastError = null;
      return { role: row.in_recovery ? "standby" : "primary", readOnly: row.read_only === "on" };
    } catch (error) {
      this.lastError = errorMessage(error);
      this.drop();
      return null;
    }
  }

  async askForVouches(ask: boolean): Promise<void> {
    const client = this.client;
    if (!client || !this.listening || ask === this.askingForVouches) return;
    const { key, wanted } = VOUCH_DEMAND_LOCK;
    try {
      await within(
        queryResult(client, ask ? `SELECT pg_try_advisory_lock_shared(${key}, ${wanted})` : `SELECT pg_advisory_unlock_shared(${key}, ${wanted})`),
        this.timeoutMs,
        ask ? "asking the witnesses to vouch" : "telling the witnesses no vouch is needed",
      );
      if (this.client === client) this.askingForVouches = ask;
    } catch (error) {
      // Whether the lock changed is unknown: a new session starts asking again.
      this.lastError = errorMessage(error);
      this.drop();
    }
  }

  /** See fenceServer: the same fence the `fence` command makes, on a session of its own (the fence ends this one). */
  fence(): Promise<SelfFenceResult> {
    return this.onOwnSession(async (client) => {
      const result = await fenceServer(client, this.connectionString, { terminateSessions: true });
      return result.fenced ? { fenced: true, finalPosition: result.finalLsn, terminatedSessions: result.terminatedSessions, wasReadOnly: result.wasReadOnly } : result;
    });
  }

  unfence(unless: () => string | null): Promise<UnfenceResult> {
    return this.onOwnSession((client) => unfenceServer(client, this.connectionString, unless));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await closeClient(client);
  }

  private async connect(): Promise<pg.Client> {
    const client = newKeptClient(this.connectionString, this.timeoutMs, "switchyard-agent-lease");
    client.on("error", () => {
      if (this.client === client) this.drop();
    });
    client.on("notification", (message) => {
      if (message.channel === VOUCH_CHANNEL) this.onNotification(message.payload, this.monotonic());
    });
    try {
      await connectWithin(client, this.timeoutMs, "connection to the local server");
      this.client = client;
      this.listening = false;
      this.askingForVouches = false;
      return client;
    } catch (error) {
      void closeClient(client);
      throw error;
    }
  }

  private async onOwnSession<T>(change: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = newClient(this.connectionString, FENCE_TIMEOUT_MS, "switchyard-agent-lease");
    try {
      await connectWithin(client, this.timeoutMs, "connection to the local server");
      return await change(client);
    } finally {
      await closeClient(client);
    }
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    if (client) void closeClient(client);
  }
}

/** The PostgreSQL keeper's server: `connectionString` a role that may ALTER SYSTEM and pg_terminate_backend. */
export function postgresLeaseServer(connectionString: string, timeoutMs: number): LeaseServerFactory {
  return (onVouch, monotonic) => new LocalSession(connectionString, timeoutMs, onVouch, monotonic);
}
