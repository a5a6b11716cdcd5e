import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedStore } from "@/server/store/embedded-store";
import { ensureStoreRoles, type StoreRoles } from "@/server/store/store-roles";
import { withClient } from "@/server/db/with-client";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test server as its superuser (any database). */
    storeUrl: string;
    /** The owner and application roles every test file's database is handed to (fresh-database.ts). */
    storeRoles: StoreRoles;
  }
}


/**
 * TEST_DATABASE_URL's server may serve others: roles of this run's own,
 * dropped afterwards (once every test file has dropped its database).
 */
async function rolesOnServer(url: string): Promise<{ roles: StoreRoles; drop(): Promise<void> }> {
  const suffix = randomBytes(4).toString("hex");
  const roles: StoreRoles = {
    owner: { name: `switchyard_owner_${suffix}`, password: randomBytes(18).toString("base64url") },
    app: { name: `switchyard_app_${suffix}`, password: randomBytes(18).toString("base64url") },
  };
  await withClient(url, (client) => ensureStoreRoles(client, roles));
  return {
    roles,
    drop: () =>
      withClient(url, async (client) => {
        for (const role of [roles.app, roles.owner]) {
          await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role.name)}`).catch((error: Error) => console.warn(`could not drop test role ${role.name}: ${error.message}`));
        }
      }),
  };
}

/**
 * One real PostgreSQL for the integration run: the embedded server from npm,
 * exactly as `npm start` runs it (its roles included), or TEST_DATABASE_URL's
 * server when set. Each test file gets a database of its own on it
 * (fresh-database.ts).
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    const { roles, drop } = await rolesOnServer(process.env.TEST_DATABASE_URL);
    project.provide("storeUrl", process.env.TEST_DATABASE_URL);
    project.provide("storeRoles", roles);
    return drop;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-test-"));
  // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
  chmodSync(dir, 0o755);
  const store = await startEmbeddedStore(dir);
  project.provide("storeUrl", store.superuserUrl);
  project.provide("storeRoles", store.roles);
  return async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
