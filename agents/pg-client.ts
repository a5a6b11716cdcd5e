import type { Socket } from "node:net";
import pg from "pg";

/**
 * Every connection the agent opens is bounded in time on both sides: the
 * server cancels statements after `statement_timeout`, and the client gives
 * up on connecting (connectWithin) or reading after `timeoutMs`, so a hung
 * replica or a silent network can never stall a tick. TCP keepalives start
 * after `timeoutMs` of silence, so a kept connection whose peer vanished
 * while it sat idle ends (and says so with 'error') without waiting for a
 * query.
 */
export function newClient(connectionString: string, timeoutMs: number, applicationName: string): pg.Client {
  return client(connectionString, timeoutMs, applicationName, { query_timeout: timeoutMs });
}

/**
 * node-postgres's own connect timeout for a connect the agent bounds with
 * connectWithin: only a backstop, twice as long. Set equal, the two timers
 * raced and a loaded machine reported node-postgres's bare "timeout
 * expired" in place of what timed out and after how long.
 */
export function connectBackstopMs(timeoutMs: number): number {
  return 2 * timeoutMs;
}

/** Connects, or fails within `timeoutMs` saying what timed out and after how long; every connect of the agent goes through here. */
export async function connectWithin(client: pg.Client, timeoutMs: number, what: string): Promise<void> {
  await within(client.connect(), timeoutMs, what);
}

/**
 * newClient for the connections queried every interval (the local probe,
 * the witness probes, the lease keeper's session), without node-postgres's
 * own read timeout. With it (a timer per query, whose callback holds the
 * query) about a quarter of what each query allocates outlived two
 * scavenges, so at a few queries a second an agent's old generation filled
 * with garbage at ~10 kB/s, a mark-compact every three minutes where there
 * is one every nine without (measured with --trace-gc-nvp on an agent: ~70 kB
 * promoted per scavenge with it, 9-35 kB without, what is left coming from
 * elsewhere; BENCHMARKS.md, "Less garbage in the old generation"). Every
 * query on such a connection runs inside `within`, which bounds the read as
 * tightly, and one that times out ends the connection; those that run every
 * interval go through queryResult.
 */
export function newKeptClient(connectionString: string, timeoutMs: number, applicationName: string): pg.Client {
  return client(connectionString, timeoutMs, applicationName, {});
}

function client(connectionString: string, timeoutMs: number, applicationName: string, timeouts: { query_timeout?: number }): pg.Client {
  const client = new pg.Client({
    connectionString,
    application_name: applicationName,
    connectionTimeoutMillis: connectBackstopMs(timeoutMs),
    statement_timeout: timeoutMs,
    ...timeouts,
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

/**
 * One query through node-postgres's callback form, in a promise of our own.
 * Its promise form (`client.query(text)`) lets a quarter of what each query
 * allocates outlive two scavenges, for the same effect as its read timeout
 * (newKeptClient; measured: ~220 kB promoted per scavenge in a loop of
 * queries, ~4 kB through here). For the queries that run every interval.
 */
export function queryResult<R extends pg.QueryResultRow>(client: pg.ClientBase, query: string | pg.QueryConfig): Promise<pg.QueryResult<R>> {
  // A copy: pg writes the callback into the config object it is given.
  const config: pg.QueryConfig = typeof query === "string" ? { text: query } : { ...query };
  return new Promise((resolve, reject) => {
    client.query<R>(config, (error, result) => (error ? reject(error) : resolve(result)));
  });
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
