import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { migrate } from "@/server/store/migrate";

/**
 * Before each test file: a new, migrated database on the test server, made
 * the process's DATABASE_URL, and a key folder of its own. Both dropped
 * after the file.
 */
const serverUrl = new URL(inject("storeUrl"));
const name = `t_${randomBytes(6).toString("hex")}`;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

await admin((client) => client.query(`CREATE DATABASE ${name}`));
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${name}`;
process.env.DATABASE_URL = databaseUrl.toString();
process.env.NEXTAUTH_SECRET = "integration-test-secret-integration-test-secret";
const keyParent = mkdtempSync(path.join(os.tmpdir(), "switchyard-test-keys-"));
process.env.SWITCHYARD_KEY_DIR = path.join(keyParent, "keys");
await migrate(process.env.DATABASE_URL);

afterAll(async () => {
  const holder = globalThis as unknown as { switchyardDb?: { $disconnect(): Promise<void> }; switchyardSqlPool?: pg.Pool };
  await holder.switchyardDb?.$disconnect();
  await holder.switchyardSqlPool?.end();
  holder.switchyardDb = undefined;
  holder.switchyardSqlPool = undefined;
  // pg-pool's end() resolves once its clients are told to close, not once they have: a forced
  // drop before then terminates them, and the FATAL arrives at a client nobody listens to any more.
  await admin(async (client) => {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const { rows } = await client.query<{ sessions: number }>("SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1", [name]);
      if (rows[0]?.sessions === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  rmSync(keyParent, { recursive: true, force: true });
});
