import "server-only";
import { PrismaClient } from "./generated/client";
import { PrismaPgOneQueryPerTransaction } from "./one-query-per-transaction";

export type { Prisma } from "./generated/client";
export type Db = PrismaClient;

export function createDb(connectionString: string, maxConnections = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPgOneQueryPerTransaction({ connectionString, max: maxConnections }) });
}

const globalForDb = globalThis as unknown as { switchyardDb?: PrismaClient };

/**
 * The process-wide client. Created on first use so that building the app
 * needs no database; one per process, surviving hot reloads in development.
 */
export function db(): PrismaClient {
  if (!globalForDb.switchyardDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the control plane with `npm start`, or set it to a PostgreSQL URL");
    globalForDb.switchyardDb = createDb(url);
  }
  return globalForDb.switchyardDb;
}
