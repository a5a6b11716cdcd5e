import { performance } from "node:perf_hooks";
import { errorMessage } from "../error-message";
import { within } from "../pg-client";
import { unreachableObservation, type EngineAdapter, type ReplicaObservation } from "../adapters/engine-adapter";
import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "./client";
import { mariadbObservation, type MariadbProbeRows } from "./observation";
import { REPLICA_HOSTS_SQL, REPLICA_STATUS_SQL, SEMI_SYNC_STATUS_SQL, VARIABLES_SQL, type ReplicaHostRow, type ReplicaStatusRow, type StatusRow, type VariablesRow } from "./probe-queries";

/**
 * The local MariaDB server through one persistent connection, as
 * PostgresAdapter does: any error drops it and the next tick connects
 * anew, so a restarted or promoted server is picked up without special cases.
 */
export class MariadbAdapter implements EngineAdapter {
  readonly engine = "mariadb" as const;
  private connection: MariadbConnection | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly timeoutMs: number,
  ) {}

  async probe(): Promise<ReplicaObservation> {
    try {
      const connection = this.connection ?? (await this.connect());
      const started = performance.now();
      const rows = await within(this.read(connection), this.timeoutMs + 500, "probe of the local replica");
      return mariadbObservation(rows, performance.now() - started);
    } catch (error) {
      this.drop();
      return unreachableObservation("mariadb", errorMessage(error));
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection) await closeMariadb(connection);
  }

  private async connect(): Promise<MariadbConnection> {
    const connection = await within(connectMariadb(this.connectionString, this.timeoutMs), this.timeoutMs + 500, "connection to the local replica");
    connection.on("error", () => {
      if (this.connection === connection) this.drop();
    });
    this.connection = connection;
    return connection;
  }

  private async read(connection: MariadbConnection): Promise<MariadbProbeRows> {
    const query = <T>(sql: string) => rowsOf<T>(connection, sql, this.timeoutMs);
    const [variables] = await query<VariablesRow>(VARIABLES_SQL);
    if (!variables) throw new Error("the variables query returned no row");
    return {
      variables,
      status: await query<StatusRow>(SEMI_SYNC_STATUS_SQL),
      replicas: await query<ReplicaStatusRow>(REPLICA_STATUS_SQL),
      hosts: await query<ReplicaHostRow>(REPLICA_HOSTS_SQL),
    };
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = null;
    if (connection) void closeMariadb(connection);
  }
}
