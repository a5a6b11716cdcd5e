import { performance } from "node:perf_hooks";
import { errorMessage } from "../error-message";
import { within } from "../pg-client";
import type { LeaseServer, LeaseServerFactory, SelfFenceResult, ServerState, UnfenceResult, VouchListener } from "../primary-lease/lease-server";
import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "./client";
import { managedConnection } from "./observation";
import { REPLICA_STATUS_SQL, type ReplicaStatusRow } from "./probe-queries";
import { STATEMENT_TIMEOUT_MS } from "./replica-control";
import { fenceMariadb, unfenceMariadb } from "./server-fence";
import { CLOCK_SQL, READ_VOUCHES_SQL, VOUCH_SCHEMA_STATEMENTS, type ClockRow, type VouchRow } from "./vouch-table";
import { ServerClock } from "../primary-lease/server-clock";

/**
 * The MariaDB primary's lease keeper's server: one kept session (the
 * commands' user, with sql_log_bin off, so nothing it does is ever
 * binlogged) reads the role (a server with a replica connection is a
 * replica), read_only and the server's clock every tick and, on a primary,
 * the vouches the witnesses wrote (vouch-table.ts), each handed on once, as
 * of when the server stamped it. Any error drops the session and the next
 * read opens a new one (a fence ends every client session, this one
 * included).
 */
export class MariadbLeaseServer implements LeaseServer {
  private connection: MariadbConnection | null = null;
  private schemaReady = false;
  private lastError: string | null = null;
  private readonly clock: ServerClock;
  /** The last vouch handed on from each witness's row: a row read again is no new vouch. */
  private readonly handedOn = new Map<string, string>();

  constructor(
    private readonly connectionString: string,
    private readonly timeoutMs: number,
    private readonly onVouch: VouchListener,
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
      const connection = this.connection ?? (await this.connect());
      const sent = this.monotonic();
      const [clock] = await rowsOf<ClockRow>(connection, CLOCK_SQL, this.timeoutMs);
      if (!clock) throw new Error("the server returned no row");
      this.clock.answered(Number(clock.now_us), sent);
      const replica = managedConnection(await rowsOf<ReplicaStatusRow>(connection, REPLICA_STATUS_SQL, this.timeoutMs));
      // Vouches that cannot be read (the commands user may not create the schema: doctor says so) leave the lease to the control plane; the role and read_only still decide.
      if (!replica) await this.takeVouches(connection).catch(() => (this.schemaReady = false));
      this.lastError = null;
      return { role: replica ? "standby" : "primary", readOnly: Number(clock.read_only) === 1 };
    } catch (error) {
      this.lastError = errorMessage(error);
      this.drop();
      return null;
    }
  }

  /** MariaDB witnesses vouch after every probe of a primary: nothing to tell them. */
  async askForVouches(): Promise<void> {}

  /** See fenceMariadb: the same fence the `fence` command makes, on a session of its own (the fence ends the kept one). */
  fence(): Promise<SelfFenceResult> {
    return this.onOwnSession(async (connection) => {
      const { terminatedSessions, wasReadOnly, positions } = await fenceMariadb(connection, { terminateSessions: true });
      return { fenced: true, finalPosition: positions.binlogText, terminatedSessions, wasReadOnly };
    });
  }

  unfence(unless: () => string | null): Promise<UnfenceResult> {
    return this.onOwnSession((connection) => unfenceMariadb(connection, "the server", unless));
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection) await closeMariadb(connection);
  }

  /** Creates the vouch table and procedure once per session (only a primary takes vouches), then hands on every row that changed. */
  private async takeVouches(connection: MariadbConnection): Promise<void> {
    if (!this.schemaReady) {
      for (const statement of VOUCH_SCHEMA_STATEMENTS) await rowsOf(connection, statement, this.timeoutMs);
      this.schemaReady = true;
    }
    for (const row of await rowsOf<VouchRow>(connection, READ_VOUCHES_SQL, this.timeoutMs)) {
      if (this.handedOn.get(row.witness) === row.vouch) continue;
      this.handedOn.set(row.witness, row.vouch);
      this.onVouch(row.vouch, this.monotonicMs(Number(row.written_us))!);
    }
  }

  private async connect(): Promise<MariadbConnection> {
    const connection = await within(connectMariadb(this.connectionString, this.timeoutMs), this.timeoutMs, "connection to the local server");
    try {
      await rowsOf(connection, "SET SESSION sql_log_bin = 0", this.timeoutMs);
    } catch (error) {
      void closeMariadb(connection);
      throw error;
    }
    connection.on("end", () => {
      if (this.connection === connection) this.drop();
    });
    this.connection = connection;
    this.schemaReady = false;
    return connection;
  }

  private async onOwnSession<T>(change: (connection: MariadbConnection) => Promise<T>): Promise<T> {
    const connection = await within(connectMariadb(this.connectionString, STATEMENT_TIMEOUT_MS), this.timeoutMs, "connection to the local server");
    try {
      return await change(connection);
    } finally {
      await closeMariadb(connection);
    }
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = null;
    if (connection) void closeMariadb(connection);
  }
}

/** The MariaDB keeper's server: `connectionString` a user that may SET GLOBAL read_only, KILL, sql_log_bin and create the vouch schema. */
export function mariadbLeaseServer(connectionString: string, timeoutMs: number): LeaseServerFactory {
  return (onVouch, monotonic) => new MariadbLeaseServer(connectionString, timeoutMs, onVouch, monotonic);
}
