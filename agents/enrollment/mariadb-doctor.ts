import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "../mariadb/client";
import { errorMessage } from "../error-message";
import { VOUCH_SCHEMA } from "../mariadb/vouch-table";
import type { MariadbServerFacts, MariadbUserFacts } from "./mariadb-doctor-checks";

const TIMEOUT_MS = 5_000;

const PRIVILEGES_SQL = "SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES";
const SCHEMA_PRIVILEGES_SQL = "SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = ?";
const SETTINGS_SQL = `
  SELECT @@version AS version, CURRENT_USER() AS account, @@gtid_strict_mode AS gtid_strict_mode, @@log_bin AS log_bin,
    @@log_slave_updates AS log_slave_updates, @@binlog_format AS binlog_format`;
const SEMI_SYNC_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name = 'rpl_semi_sync_slave_enabled'";

const flag = (value: unknown) => value === 1 || value === "1" || value === "ON";

async function withConnection<T>(url: string, work: (connection: MariadbConnection) => Promise<T>): Promise<T> {
  const connection = await connectMariadb(url, TIMEOUT_MS);
  try {
    return await work(connection);
  } finally {
    await closeMariadb(connection);
  }
}

/** The account's global privileges: USER_PRIVILEGES lists only the current account's rows to an account that may not see others'. */
async function privilegesOf(connection: MariadbConnection, account: string): Promise<{ privileges: string[]; schemaPrivileges: string[] }> {
  const at = account.lastIndexOf("@");
  const grantee = `'${account.slice(0, at)}'@'${account.slice(at + 1)}'`;
  const rows = await rowsOf<{ privilege: string }>(connection, `${PRIVILEGES_SQL} WHERE GRANTEE = ?`, TIMEOUT_MS, [grantee]);
  const schemaRows = await rowsOf<{ privilege: string }>(connection, `${SCHEMA_PRIVILEGES_SQL} AND GRANTEE = ?`, TIMEOUT_MS, [VOUCH_SCHEMA, grantee]);
  return { privileges: rows.map((row) => row.privilege), schemaPrivileges: schemaRows.map((row) => row.privilege) };
}

/** What doctor reads from the local MariaDB as the monitoring user; SELECT and SHOW only. */
export async function mariadbServerFacts(url: string): Promise<MariadbServerFacts> {
  try {
    return await withConnection(url, async (connection) => {
      const [settings] = await rowsOf<Record<string, unknown>>(connection, SETTINGS_SQL, TIMEOUT_MS);
      const account = String(settings!.account);
      const [semiSync] = await rowsOf<{ Value: string }>(connection, SEMI_SYNC_SQL, TIMEOUT_MS);
      return {
        connected: true,
        account,
        version: String(settings!.version),
        ...(await privilegesOf(connection, account)),
        gtidStrictMode: flag(settings!.gtid_strict_mode),
        logBin: flag(settings!.log_bin),
        logSlaveUpdates: flag(settings!.log_slave_updates),
        binlogFormat: String(settings!.binlog_format ?? ""),
        semiSyncReplicaEnabled: semiSync ? flag(semiSync.Value) : null,
      };
    });
  } catch (error) {
    return { connected: false, error: errorMessage(error) };
  }
}

/** The commands user's account and privileges. */
export async function mariadbUserFacts(url: string): Promise<MariadbUserFacts> {
  try {
    return await withConnection(url, async (connection) => {
      const [row] = await rowsOf<{ account: string }>(connection, "SELECT CURRENT_USER() AS account", TIMEOUT_MS);
      return { connected: true, account: row!.account, ...(await privilegesOf(connection, row!.account)) };
    });
  } catch (error) {
    return { connected: false, error: errorMessage(error) };
  }
}
