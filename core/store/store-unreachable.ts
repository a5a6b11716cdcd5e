/**
 * Whether an error means the control plane's store is away — down, failing
 * over, or for the moment a standby — rather than that the request was wrong
 * or the code is broken. A request that meets one answers 503 and asks to be
 * retried (the store comes back on its own: Patroni, CloudNativePG or a
 * managed PostgreSQL promotes a standby within seconds); anything else stays
 * an internal error.
 */

/** SQLSTATEs: class 08 (connection exception), the server shutting down or starting, and a write sent to a standby. */
const STORE_AWAY_SQLSTATES: readonly RegExp[] = [/^08/, /^57P0[123]$/, /^25006$/];
/** Node's socket errors on the way to the store. */
const STORE_AWAY_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** Prisma's: cannot reach, timed out connecting, server closed the connection, no pooled connection in time. */
const STORE_AWAY_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** What node-postgres and Prisma's driver adapter say when the connection drops mid-query or cannot be made. */
const STORE_AWAY_MESSAGES: readonly RegExp[] = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /server closed the connection unexpectedly/i,
  /the database system is (shutting down|starting up|in recovery mode)/i,
  /cannot execute \w+ in a read-only transaction/i,
];

const MAX_CAUSES = 5;

export function isStoreUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current && typeof current === "object"; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (STORE_AWAY_ERRNOS.has(code) || STORE_AWAY_PRISMA_CODES.has(code) || STORE_AWAY_SQLSTATES.some((pattern) => pattern.test(code)))) return true;
    if (typeof message === "string" && STORE_AWAY_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = cause;
  }
  return false;
}
