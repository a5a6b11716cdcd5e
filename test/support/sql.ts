import pg from "pg";

function required(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: it is set by test/support/fresh-database.ts`);
  return value;
}

/** The test file's database as the role that owns its schema and migrates it. */
export const ownerDatabaseUrl = () => required("SWITCHYARD_TEST_OWNER_URL");

/** The test file's database as the server's superuser: for tests that use the store's server as a replica an agent watches. */
export const superuserDatabaseUrl = () => required("SWITCHYARD_TEST_SUPERUSER_URL");

async function run(url: string, text: string, values?: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Runs statements on a connection of their own as the control plane's role (what Prisma cannot say, e.g. set-based updates across tables). */
export function sql(text: string, values?: unknown[]): Promise<void> {
  return run(required("DATABASE_URL"), text, values);
}

/** Runs statements as the schema's owner: what the control plane may not do (triggers, tampering with the audit trail). */
export function ownerSql(text: string, values?: unknown[]): Promise<void> {
  return run(ownerDatabaseUrl(), text, values);
}
