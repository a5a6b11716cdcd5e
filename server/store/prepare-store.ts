import { STORE_ROLE_REMEDY, storeRoleRisks, type StoreRoleRisk } from "@/core/store/store-role-risks";
import { grantApplicationRole } from "./application-grants";
import { migrate, type MigrationResult } from "./migrate";
import { readStoreRoleFacts } from "./store-role-facts";
import { withClient } from "../db/with-client";

/** The store as the control plane reaches it: `appUrl` is what it runs as, `migrationUrl` the owner that migrates (the same URL when no separate owner is configured). */
export interface StoreUrls {
  appUrl: string;
  migrationUrl: string;
}

export interface PreparedStore {
  migration: MigrationResult;
  appRole: string;
  /** What the application role may do beyond what the product needs; empty when it has only that. */
  risks: StoreRoleRisk[];
}


const isPermissionError = (error: unknown) => /permission denied|must be owner/.test((error as Error).message);

/**
 * Before the control plane runs: applies the migrations as the owner, grants
 * the application role what the (possibly new) schema needs, and says what
 * the application role may do that it should not.
 */
export async function prepareStore(urls: StoreUrls, migrations?: string): Promise<PreparedStore> {
  const separate = urls.migrationUrl !== urls.appUrl;
  const appRole = await withClient(urls.appUrl, async (client) => (await client.query<{ role: string }>("SELECT current_user::text AS role")).rows[0]!.role);
  let migration: MigrationResult;
  try {
    migration = await migrate(urls.migrationUrl, migrations);
  } catch (error) {
    if (separate || !isPermissionError(error)) throw error;
    throw new Error(`${(error as Error).message}. DATABASE_URL's role "${appRole}" may not change the schema, so it cannot apply pending migrations. ${STORE_ROLE_REMEDY}`);
  }
  if (separate) {
    await withClient(urls.migrationUrl, async (owner) => {
      const { rows } = await owner.query<{ role: string }>("SELECT current_user::text AS role");
      if (rows[0]!.role !== appRole) await grantApplicationRole(owner, appRole);
    });
  }
  const risks = await withClient(urls.appUrl, async (client) => storeRoleRisks(await readStoreRoleFacts(client)));
  return { migration, appRole, risks };
}
