import pg from "pg";

/** One connection of its own for a few statements (as a role the pool does not use), closed whatever happens. */
export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost mid-statement also rejects that statement, which is what the caller hears; unheard, the event would be an uncaught exception.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
