import pg from "pg";
import { startEmbeddedStore } from "@/server/store/embedded-store";

/**
 * For `startControlPlane({ prepareDataDir })`: creates the embedded store
 * `npm start` will find in the data folder, with pg_stat_statements loaded
 * (it must be at server start), so that a benchmark can count the SQL
 * statements the control plane sends. `npm start` keeps the setting: it only
 * creates a store that is not there yet.
 */
export async function storeWithStatementStats(dataDir: string): Promise<void> {
  const store = await startEmbeddedStore(dataDir);
  const client = new pg.Client({ connectionString: store.superuserUrl });
  await client.connect();
  try {
    await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  } finally {
    await client.end();
    await store.stop();
  }
}

/** Statements executed since the last reset, every client's (BEGIN and COMMIT included), and the most frequent ones. */
export class StatementStats {
  constructor(private readonly sql: pg.Pool) {}

  async install(): Promise<void> {
    await this.sql.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }

  async reset(): Promise<void> {
    await this.sql.query("SELECT pg_stat_statements_reset()");
  }

  /** Leaves out this class's own statements. */
  async read(top = 8): Promise<{ total: number; top: { calls: number; query: string }[] }> {
    const { rows } = await this.sql.query<{ calls: string; query: string }>(
      `SELECT calls::text, query FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
        ORDER BY calls DESC`,
    );
    const all = rows.map((row) => ({ calls: Number(row.calls), query: row.query.replace(/\s+/g, " ").slice(0, 160) }));
    return { total: all.reduce((sum, row) => sum + row.calls, 0), top: all.slice(0, top) };
  }

  /** The statements that took the store's time since the last reset, longest first (milliseconds executing, each client's). */
  async byTime(top = 10): Promise<{ totalMs: number; top: { calls: number; ms: number; rows: number; query: string }[] }> {
    const { rows } = await this.sql.query<{ calls: string; ms: number; rows: string; query: string }>(
      `SELECT calls::text, total_exec_time AS ms, rows::text, query FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
        ORDER BY total_exec_time DESC`,
    );
    const all = rows.map((row) => ({ calls: Number(row.calls), ms: Math.round(row.ms), rows: Number(row.rows), query: row.query.replace(/\s+/g, " ").slice(0, 160) }));
    return { totalMs: all.reduce((sum, row) => sum + row.ms, 0), top: all.slice(0, top) };
  }
}
