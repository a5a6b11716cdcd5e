import pg from "pg";
import { LAB_HOST, LAB_SUPERUSER } from "./topology";

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  password: string;
}

export interface ClientOptions {
  applicationName?: string;
  connectTimeoutMs?: number;
  /** Client-side limit per query: a paused or cut-off server never answers, and we must not wait forever. */
  queryTimeoutMs?: number;
}

export function clientFor(endpoint: Endpoint, options: ClientOptions = {}): pg.Client {
  return new pg.Client({
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: LAB_SUPERUSER,
    password: endpoint.password,
    application_name: options.applicationName ?? "switchyard-lab",
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: options.queryTimeoutMs,
    keepAlive: true,
  });
}

export async function withClient<T>(endpoint: Endpoint, run: (client: pg.Client) => Promise<T>, options?: ClientOptions): Promise<T> {
  const client = clientFor(endpoint, options);
  // An error after connecting (the server died) must not crash the process; the query that needed it fails instead.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await closeClient(client);
  }
}

/** Ends the session politely, but never waits more than a moment for a server that does not answer. */
export async function closeClient(client: pg.Client, graceMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([client.end().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  client.connection.stream.destroy();
}

export function labEndpoint(port: number, password: string, database: string): Endpoint {
  return { host: LAB_HOST, port, database, password };
}
