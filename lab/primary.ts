import type pg from "pg";
import { synchronousStandbyNames } from "./settings";
import { labEndpoint, withClient } from "./sql";
import { findReplica, serviceOf, type WorkloadTables } from "./topology";

/**
 * The workload's two datasets: the strong one (orders, payments: synchronous,
 * RPO 0) and the eventual one (order_history, payment_events). The index
 * serves the ledger check.
 */
export function workloadSchema(tables: WorkloadTables): string {
  return `
  CREATE TABLE IF NOT EXISTS ${tables.strong} (
    id text PRIMARY KEY,
    written_at timestamptz NOT NULL DEFAULT now(),
    payload text
  );
  CREATE TABLE IF NOT EXISTS ${tables.events} (
    id bigserial PRIMARY KEY,
    ${tables.reference} text NOT NULL,
    event text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS ${tables.events}_${tables.reference} ON ${tables.events} (${tables.reference});
`;
}

/**
 * One physical slot per other replica of the service, reserving WAL from now
 * on, so a standby that is briefly absent (or still being cloned) finds its WAL.
 */
export async function ensureSlots(admin: pg.Client, primaryName: string): Promise<void> {
  for (const replica of serviceOf(findReplica(primaryName)).replicas) {
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
 * Idempotent: synchronous standbys, slots, the service's database and the
 * workload's tables. Runs with synchronous_commit=local because it prepares
 * the primary before its synchronous standby exists, and a commit would
 * otherwise wait for it.
 */
export async function preparePrimary(port: number, password: string, primaryName: string, log: (line: string) => void): Promise<void> {
  const { database, tables } = serviceOf(findReplica(primaryName));
  await withClient(labEndpoint(port, password, "postgres"), async (admin) => {
    await admin.query("SET synchronous_commit = local");
    if (await ensureSynchronousStandbys(admin, primaryName)) {
      log(`${primaryName}: now waits for ${synchronousStandbyNames(primaryName) || "no standby"} on commit`);
    }
    await ensureSlots(admin, primaryName);
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
  });
  await withClient(labEndpoint(port, password, database), (client) => client.query(`SET synchronous_commit = local; ${workloadSchema(tables)}`));
}
