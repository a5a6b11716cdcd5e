import pg from "pg";

/** Runs one statement on a connection of its own (what Prisma cannot say, e.g. set-based updates across tables, triggers). */
export async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
