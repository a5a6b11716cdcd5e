import type mysql from "mysql2/promise";
import { loadMysql } from "./mysql2-loader";

/**
 * Connections to a MariaDB server from a `mariadb://user:password@host:port/database`
 * connection string (`mysql://` is accepted too). Like the PostgreSQL
 * clients, every one is bounded in time: connecting, and each statement,
 * within `timeoutMs`.
 */

export type MariadbConnection = mysql.Connection;

export interface MariadbAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string | undefined;
}

/** The parts of a connection string; throws naming what is wrong. */
export function parseMariadbUrl(connectionString: string): MariadbAddress {
  const url = new URL(connectionString);
  if (url.protocol !== "mariadb:" && url.protocol !== "mysql:") throw new Error(`a MariaDB connection string starts with mariadb:// (not ${url.protocol}//)`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database || undefined,
  };
}

export async function connectMariadb(connectionString: string, timeoutMs: number): Promise<MariadbConnection> {
  const address = parseMariadbUrl(connectionString);
  const connection = await (await loadMysql()).createConnection({
    ...address,
    connectTimeout: timeoutMs,
    // Big sequence numbers and byte counts stay exact.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  });
  // A connection that breaks while idle emits 'error'; unhandled it would kill the agent.
  connection.on("error", () => {});
  return connection;
}

/** Rows of one statement, bounded by `timeoutMs`. */
export async function rowsOf<T>(connection: MariadbConnection, sql: string, timeoutMs: number, values: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query({ sql, timeout: timeoutMs, values });
  return rows as T[];
}

/** Ends a connection without waiting on a peer that may never answer. */
export async function closeMariadb(connection: MariadbConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      connection.destroy();
      resolve();
    }, 1000);
  });
  await Promise.race([connection.end().catch(() => connection.destroy()), grace]);
  clearTimeout(timer);
}
