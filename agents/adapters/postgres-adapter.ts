import { performance } from "node:perf_hooks";
import type pg from "pg";
import { errorMessage } from "../error-message";
import { closeClient, connectWithin, newKeptClient, queryResult, within } from "../pg-client";
import { unreachableObservation, type EngineAdapter, type ReplicaObservation } from "./engine-adapter";
import { observationFromRows, type ProbeRows } from "./postgres-observation";
import { prepareProbeQueries, type ProbeQueries, type ProbeRow } from "./postgres-queries";

interface Session {
  client: pg.Client;
  queries: ProbeQueries;
}

/**
 * The local replica through one persistent connection (a probe every second
 * should not pay for a new backend each time). Any error drops the
 * connection and the next tick opens a new one, so a restarted or promoted
 * server is picked up without special cases. The database role needs
 * pg_monitor: pg_control_checkpoint() and the LSN columns of
 * pg_stat_replication are hidden from other roles.
 */
export class PostgresAdapter implements EngineAdapter {
  readonly engine = "postgresql" as const;
  private session: Session | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly timeoutMs: number,
  ) {}

  async probe(): Promise<ReplicaObservation> {
    try {
      const session = this.session ?? (await this.connect());
      const started = performance.now();
      const rows = await within(this.read(session), this.timeoutMs + 500, "probe of the local replica");
      return observationFromRows(rows, performance.now() - started);
    } catch (error) {
      this.drop();
      return unreachableObservation("postgresql", errorMessage(error));
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await closeClient(session.client);
  }

  private async connect(): Promise<Session> {
    const client = newKeptClient(this.connectionString, this.timeoutMs, "switchyard-agent");
    client.on("error", () => {
      if (this.session?.client === client) this.drop();
    });
    try {
      // The probe's timeout bounds the connect, as node-postgres's own connect timeout did before it became a backstop (newKeptClient).
      await connectWithin(client, this.timeoutMs, "connection to the local replica");
      this.session = { client, queries: await within(prepareProbeQueries(client), this.timeoutMs + 500, "preparing the probe of the local replica") };
      return this.session;
    } catch (error) {
      void closeClient(client);
      throw error;
    }
  }

  private async read({ client, queries }: Session): Promise<ProbeRows> {
    const row = (await queryResult<ProbeRow>(client, queries.probe)).rows[0];
    if (!row) throw new Error("the probe query returned no row");
    const { standbys, wal_receiver: walReceiver, slots, ...status } = row;
    return { status, standbys, walReceiver, slots };
  }

  private drop(): void {
    const session = this.session;
    this.session = null;
    if (session) void closeClient(session.client);
  }
}
