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
    globalForPool.switchyardSqlPool = new pg.Pool({ connectionString: url, max: 10 });
  }
  return globalForPool.switchyardSqlPool;
}
