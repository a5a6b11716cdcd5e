import "server-only";
import mysql from "mysql2/promise";
import { closeMariadb, type MariadbConnection } from "@/agents/mariadb/client";
import { within } from "@/agents/pg-client";
import type { MariadbListing, MariadbReachedBy, MariadbRegisteredReplica, MariadbServerReading, MariadbSourceReading } from "@/core/discovery/mariadb-readings";
import { releaseSupported } from "@/core/discovery/mariadb-readings";
import type { RequestField } from "@/core/discovery/readings";
import { endpointLabel, type ServerTarget } from "@/core/discovery/server-url";
import { ServerReadError } from "./read-server";

const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 5_000;
/** A server that answers each statement just in time still cannot hold a request longer than this. */
const READ_DEADLINE_MS = 15_000;
/** ER_SPECIFIC_ACCESS_DENIED_ERROR: the account lacks a privilege the statement needs. */
const ACCESS_DENIED = 1227;
/** More rows than any topology has replicas; a bound, not a limit anyone should meet. */
const MAX_ROWS = 256;

function sslOptions(target: ServerTarget): mysql.SslOptions | undefined {
  switch (target.sslmode) {
    case "disable":
      return undefined;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, verifyIdentity: false };
    case "verify-full":
      return { rejectUnauthorized: true, verifyIdentity: true };
  }
}

/** Nothing comes from the control plane's own environment or option files: only what the URL says. */
async function connect(target: ServerTarget): Promise<MariadbConnection> {
  const connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password ?? undefined,
    database: target.database ?? undefined,
    ssl: sslOptions(target),
    connectTimeout: CONNECT_TIMEOUT_MS,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  });
  // A connection that breaks while idle emits 'error'; unhandled it would take the process down.
  connection.on("error", () => {});
  return connection;
}

async function rows<T>(connection: MariadbConnection, sql: string): Promise<T[]> {
  const [result] = await connection.query({ sql, timeout: STATEMENT_TIMEOUT_MS });
  return (result as T[]).slice(0, MAX_ROWS);
}

async function listing<T>(connection: MariadbConnection, sql: string, map: (row: Record<string, unknown>) => T): Promise<MariadbListing<T>> {
  try {
    return { readable: true, rows: (await rows<Record<string, unknown>>(connection, sql)).map(map) };
  } catch (error) {
    if ((error as { errno?: number }).errno === ACCESS_DENIED) return { readable: false, reason: (error as Error).message };
    throw error;
  }
}

const number = (value: unknown) => (value === null || value === undefined || value === "" ? 0 : Number(value));
const flag = (value: unknown) => value === 1 || value === "1" || value === "ON" || value === "on";
const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));

function threadError(errno: unknown, message: unknown): { errno: number; message: string } | null {
  return number(errno) > 0 ? { errno: number(errno), message: text(message).slice(0, 500) } : null;
}

function sourceOf(row: Record<string, unknown>): MariadbSourceReading {
  return {
    connectionName: text(row.Connection_name),
    host: text(row.Master_Host),
    port: number(row.Master_Port),
    sourceServerId: number(row.Master_Server_Id),
    ioRunning: text(row.Slave_IO_Running),
    sqlRunning: text(row.Slave_SQL_Running),
    usingGtid: text(row.Using_Gtid),
    gtidIoPos: text(row.Gtid_IO_Pos),
    secondsBehind: row.Seconds_Behind_Master === null || row.Seconds_Behind_Master === undefined ? null : number(row.Seconds_Behind_Master),
    ioError: threadError(row.Last_IO_Errno, row.Last_IO_Error),
    sqlError: threadError(row.Last_SQL_Errno, row.Last_SQL_Error),
  };
}

const registeredOf = (row: Record<string, unknown>): MariadbRegisteredReplica => ({ serverId: number(row.Server_id), host: text(row.Host), port: number(row.Port) });

const VERSION_SQL = "SELECT @@version AS version, CURRENT_USER() AS account";

const VARIABLES_SQL = `
  SELECT @@server_id AS server_id, @@report_host AS report_host, @@report_port AS report_port, @@read_only AS read_only,
    @@gtid_domain_id AS gtid_domain_id, @@gtid_binlog_pos AS gtid_binlog_pos, @@gtid_slave_pos AS gtid_slave_pos,
    @@gtid_strict_mode AS gtid_strict_mode, @@log_bin AS log_bin, @@log_slave_updates AS log_slave_updates, @@binlog_format AS binlog_format`;

// SHOW … LIKE answers no rows (not an error) on a build without semi-synchronous replication.
const SEMI_SYNC_VARIABLES_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('rpl_semi_sync_master_enabled', 'rpl_semi_sync_slave_enabled')";
const SEMI_SYNC_STATUS_SQL = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Rpl_semi_sync_master_status', 'Rpl_semi_sync_master_clients', 'Rpl_semi_sync_slave_status')";

async function read(connection: MariadbConnection, field: RequestField, reachedBy: MariadbReachedBy, target: ServerTarget): Promise<MariadbServerReading> {
  const [version] = await rows<{ version: string; account: string }>(connection, VERSION_SQL);
  if (!version) throw new Error("the server answered no version");
  const reading: MariadbServerReading = {
    field,
    reachedBy,
    endpoint: { host: target.host, port: target.port, database: target.database },
    account: version.account,
    version: version.version,
    details: null,
  };
  if (!releaseSupported(version.version)) return reading;
  const [variables] = await rows<Record<string, unknown>>(connection, VARIABLES_SQL);
  if (!variables) throw new Error("the server answered no variables");
  const settings = new Map((await rows<{ Variable_name: string; Value: string }>(connection, SEMI_SYNC_VARIABLES_SQL)).map((row) => [row.Variable_name.toLowerCase(), row.Value]));
  const status = new Map((await rows<{ Variable_name: string; Value: string }>(connection, SEMI_SYNC_STATUS_SQL)).map((row) => [row.Variable_name.toLowerCase(), row.Value]));
  return {
    ...reading,
    details: {
      serverId: number(variables.server_id),
      reportHost: text(variables.report_host),
      reportPort: number(variables.report_port),
      readOnly: flag(variables.read_only),
      gtidDomainId: number(variables.gtid_domain_id),
      gtidBinlogPos: text(variables.gtid_binlog_pos),
      gtidSlavePos: text(variables.gtid_slave_pos),
      gtidStrictMode: flag(variables.gtid_strict_mode),
      logBin: flag(variables.log_bin),
      logSlaveUpdates: flag(variables.log_slave_updates),
      binlogFormat: text(variables.binlog_format),
      semiSync: settings.has("rpl_semi_sync_master_enabled")
        ? {
            primaryEnabled: flag(settings.get("rpl_semi_sync_master_enabled")),
            primaryActive: flag(status.get("rpl_semi_sync_master_status")),
            clients: number(status.get("rpl_semi_sync_master_clients")),
            replicaEnabled: flag(settings.get("rpl_semi_sync_slave_enabled")),
            replicaActive: flag(status.get("rpl_semi_sync_slave_status")),
          }
        : null,
      sources: await listing(connection, "SHOW ALL SLAVES STATUS", sourceOf),
      replicas: await listing(connection, "SHOW SLAVE HOSTS", registeredOf),
    },
  };
}

/**
 * Reads what discovery needs from one MariaDB server, with SELECT and SHOW
 * only, each bounded in time. Whatever fails on the way is the URL's
 * problem and says which server and user; the password never appears in it.
 */
export async function readMariadbServer(field: RequestField, target: ServerTarget, reachedBy: MariadbReachedBy = { kind: "url" }): Promise<MariadbServerReading> {
  const connecting = connect(target);
  let connection: MariadbConnection | null = null;
  try {
    return await within(
      connecting.then((connected) => read((connection = connected), field, reachedBy, target)),
      READ_DEADLINE_MS,
      "reading the server",
    );
  } catch (error) {
    if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ServerReadError(field, `could not read ${endpointLabel(target)} as ${target.user}: ${detail}`);
  } finally {
    // A connection still being made when the deadline passed is closed once it is made.
    if (connection) await closeMariadb(connection);
    else void connecting.then(closeMariadb, () => undefined);
  }
}
