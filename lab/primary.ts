import type pg from "pg";
import { synchronousStandbyNames } from "./settings";
import { labEndpoint, withClient } from "./sql";
import { LAB_DATABASE, LAB_REPLICAS } from "./topology";

/**
 * The workload's two datasets: `orders` is the strong one (synchronous, RPO
 * 0), `order_history` the eventual one. The index serves the ledger check.
 */
const WORKLOAD_SCHEMA = `
  CREATE TABLE IF NOT EXISTS orders (
    id text PRIMARY KEY,
    written_at timestamptz NOT NULL DEFAULT now(),
    payload text
  );
  CREATE TABLE IF NOT EXISTS order_history (
    id bigserial PRIMARY KEY,
    order_id text NOT NULL,
    event text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS order_history_order_id ON order_history (order_id);
`;

/**
 * One physical slot per other replica, reserving WAL from now on, so a
 * standby that is briefly absent (or still being cloned) finds its WAL.
 */
export async function ensureSlots(admin: pg.Client, primaryName: string): Promise<void> {
  for (const replica of LAB_REPLICAS) {
    if (replica.name === primaryName) continue;
    await admin.query(
      `SELECT pg_create_physical_replication_slot($1, true)
        WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
      [replica.slotName],
    );
  }
}

/**
 * A standby promoted while running never read the primary's settings file;
 * ALTER SYSTEM makes it wait for its own synchronous standbys. The value
 * depends only on which replica this is, so it stays right if it is demoted
 * and promoted again.
 */
async function ensureSynchronousStandbys(admin: pg.Client, primaryName: string): Promise<boolean> {
  const wanted = synchronousStandbyNames(primaryName);
  const { rows } = await admin.query<{ names: string }>("SELECT current_setting('synchronous_standby_names') AS names");
  if (rows[0]?.names === wanted) return false;
  await admin.query(`ALTER SYSTEM SET synchronous_standby_names = ${admin.escapeLiteral(wanted)}`);
  await admin.query("SELECT pg_reload_conf()");
  return true;
}

/**
 * Idempotent: synchronous standbys, slots, the `orders` database and the
 * workload's tables. Runs with synchronous_commit=local because it prepares
 * the primary before its synchronous standby exists, and a commit would
 * otherwise wait for it.
 */
export async function preparePrimary(port: number, password: string, primaryName: string, log: (line: string) => void): Promise<void> {
  await withClient(labEndpoint(port, password, "postgres"), async (admin) => {
    await admin.query("SET synchronous_commit = local");
    if (await ensureSynchronousStandbys(admin, primaryName)) {
      log(`${primaryName}: now waits for ${synchronousStandbyNames(primaryName) || "no standby"} on commit`);
    }
    await ensureSlots(admin, primaryName);
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [LAB_DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${LAB_DATABASE}`);
  });
  await withClient(labEndpoint(port, password, LAB_DATABASE), (client) => client.query(`SET synchronous_commit = local; ${WORKLOAD_SCHEMA}`));
}
