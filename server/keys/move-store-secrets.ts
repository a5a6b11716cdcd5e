import type pg from "pg";
import { FIRST_COMMAND_KEY, SESSION_SECRET_KEY } from "./key-names";
import { keyProvider } from "./key-provider";

/** Where each secret earlier versions kept in the store goes in the key provider. */
const KEY_FOR_STORE_SECRET: Record<string, string> = {
  nextauth: SESSION_SECRET_KEY,
  "command-signing-key": FIRST_COMMAND_KEY,
};

/**
 * Moves the secrets earlier versions kept in the store's ControlPlaneSecret
 * table (the session secret, the command-signing private key) into the key
 * provider under their new names, then deletes them from the store, so that
 * sessions and enrolled agents carry on with the same keys and the store
 * keeps none. Runs before the migrations (the one that drops the table
 * refuses while it holds anything); a move interrupted half-way is finished
 * by the next start, since a key the provider already holds is kept when
 * it is the same one. Returns the names moved.
 */
export async function moveStoreSecrets(client: pg.Client): Promise<string[]> {
  const { rows: [table] } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"ControlPlaneSecret"') IS NOT NULL AS exists`);
  if (!table?.exists) return [];
  const { rows } = await client.query<{ name: string; value: string }>(`SELECT name, value FROM "ControlPlaneSecret" ORDER BY name`);
  const provider = keyProvider();
  const moved: string[] = [];
  for (const { name, value } of rows) {
    const keyName = KEY_FOR_STORE_SECRET[name];
    if (!keyName) throw new Error(`The store holds a secret this version does not know (${JSON.stringify(name)} in "ControlPlaneSecret"); it was left where it is.`);
    const kept = await provider.create(keyName, value);
    if (kept !== value.trim()) {
      throw new Error(
        `The ${name} secret in the store differs from the key ${keyName} that ${provider.description} already holds; ` +
          "the store's is the one sessions and enrolled agents use: move the other key aside and start again.",
      );
    }
    await client.query(`DELETE FROM "ControlPlaneSecret" WHERE name = $1`, [name]);
    moved.push(name);
  }
  return moved;
}
