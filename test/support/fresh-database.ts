import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { prepareStore } from "@/server/store/prepare-store";
import { handOverDatabase } from "@/server/store/store-roles";
import { withClient } from "@/server/db/with-client";

/**
 * Before each test file: a new database on the test server, owned by the
 * owner role and migrated as it, with the application role granted what
 * `npm start` grants it, and a key folder of its own (a key folder belongs
 * to one store: the audit chain's key and where the chain is keyed from are
 * kept there). DATABASE_URL is the application role, as the control plane
 * runs, so a grant the product needs and lacks fails the suite; tests that
 * tamper with the store as its owner or treat the server as a replica take
 * the other URLs (test/support/sql.ts). Dropped after the file.
 */
const serverUrl = inject("storeUrl");
const roles = inject("storeRoles");
const name = `t_${randomBytes(6).toString("hex")}`;

function urlAs(user: string, password: string | null, database: string): string {
  const url = new URL(serverUrl);
  if (password !== null) {
    url.username = encodeURIComponent(user);
    url.password = encodeURIComponent(password);
  }
  url.pathname = `/${database}`;
  return url.toString();
}

function asSuperuser<T>(database: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(urlAs("", null, database), run);
}

await asSuperuser("postgres", (client) => client.query(`CREATE DATABASE ${name} OWNER ${pg.escapeIdentifier(roles.owner.name)}`));
await asSuperuser(name, (client) => handOverDatabase(client, { owner: roles.owner.name, app: roles.app.name }));
process.env.DATABASE_URL = urlAs(roles.app.name, roles.app.password, name);
process.env.SWITCHYARD_TEST_OWNER_URL = urlAs(roles.owner.name, roles.owner.password, name);
process.env.SWITCHYARD_TEST_SUPERUSER_URL = urlAs("", null, name);
process.env.NEXTAUTH_SECRET = "integration-test-secret-integration-test-secret";
process.env.SWITCHYARD_KEY_DIR = path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-test-keys-")), "keys");
await prepareStore({ appUrl: process.env.DATABASE_URL, migrationUrl: process.env.SWITCHYARD_TEST_OWNER_URL });

/**
 * A pool's end() waits for every client it lent to come back; a client a
 * test left checked out (an in-process request still waiting when its
 * server stopped) would hold the file's teardown for ever. Past a bound it
 * says which pool it was and goes on: the drop below ends those sessions.
 */
async function settle(what: string, closing: Promise<void> | undefined): Promise<void> {
  if (!closing) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), SETTLE_MS)));
  const outcome = await Promise.race([closing.then(() => "closed" as const), late]);
  clearTimeout(timer);
  if (outcome === "late") console.warn(`[fresh-database] ${what} still had clients lent out after ${SETTLE_MS} ms; dropping ${name} ends their sessions`);
}
const SETTLE_MS = 15_000;

afterAll(async () => {
  const holder = globalThis as unknown as { switchyardDb?: { $disconnect(): Promise<void> }; switchyardSqlPool?: pg.Pool };
  await settle("the Prisma client's pool", holder.switchyardDb?.$disconnect());
  await settle("the SQL pool", holder.switchyardSqlPool?.end());
  holder.switchyardDb = undefined;
  holder.switchyardSqlPool = undefined;
  // pg-pool's end() resolves once its clients are told to close, not once they have: a forced
  // drop before then terminates them, and the FATAL arrives at a client nobody listens to any more.
  await asSuperuser("postgres", async (client) => {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const { rows } = await client.query<{ sessions: number }>("SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1", [name]);
      if (rows[0]?.sessions === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});
