import type { Socket } from "node:net";
import pg from "pg";

/**
 * Every connection the agent opens is bounded in time on both sides: the
 * server cancels statements after `statement_timeout`, and the client gives
 * up on connecting or reading after `timeoutMs`, so a hung replica or a
 * silent network can never stall a tick. TCP keepalives start after
 * `timeoutMs` of silence, so a kept connection whose peer vanished while it
 * sat idle ends (and says so with 'error') without waiting for a query.
 */
export function newClient(connectionString: string, timeoutMs: number, applicationName: string): pg.Client {
  const client = new pg.Client({
    connectionString,
    application_name: applicationName,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeoutMs,
  });
  // An idle connection that breaks emits 'error'; unhandled it would kill the agent.
  client.on("error", () => {});
  return client;
}

const CLOSE_GRACE_MS = 1000;

/** Ends a connection without waiting on a peer that may never answer. */
export async function closeClient(client: pg.Client): Promise<void> {
  const stream = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      stream?.destroy();
      resolve();
    }, CLOSE_GRACE_MS);
  });
  await Promise.race([client.end().catch(() => {}), grace]);
  clearTimeout(timer);
}

/** Rejects when `promise` has not settled within `ms`; the caller cleans up. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms)} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
