import "server-only";
import pg from "pg";

const globalForPool = globalThis as unknown as { switchyardSqlPool?: pg.Pool };

/**
 * node-postgres without Prisma, for hot paths only (agent report ingest).
 * Prisma's $queryRaw re-plans every statement; named prepared statements on
 * this pool measured about four times the ingest throughput for the same SQL
 * (see BENCHMARKS.md). Everything else goes through Prisma.
 */
export function sqlPool(): pg.Pool {
  if (!globalForPool.switchyardSqlPool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // A connection the store drops (a failover, a restart) emits "error"; unheard it is an uncaught exception.
    // Idle, the pool hears it and discards the connection; checked out, the statement in flight rejects with
    // it (what the caller hears) and the connection emits it too, so every connection gets a listener of its own.
    pool.on("error", (error) => console.warn(`[store] an idle connection was closed: ${error.message}`));
    pool.on("connect", (client) => client.on("error", () => undefined));
    globalForPool.switchyardSqlPool = pool;
  }
  return globalForPool.switchyardSqlPool;
}
