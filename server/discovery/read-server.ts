import "server-only";
import type { ConnectionOptions } from "node:tls";
import pg from "pg";
import { closeClient, within } from "@/agents/pg-client";
import { MIN_SERVER_VERSION_NUM, type RequestField, type ServerReading, type SettingReading } from "@/core/discovery/readings";
import { endpointLabel, type ServerTarget } from "@/core/discovery/server-url";

const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 5_000;
/** A server that answers each statement just in time still cannot hold a request longer than this. */
const READ_DEADLINE_MS = 15_000;
/** More rows than any cluster has standbys or slots; a bound, not a limit anyone should meet. */
const MAX_ROWS = 256;
const INSUFFICIENT_PRIVILEGE = "42501";

/** The server could not be reached, refused the role, or failed a statement: the caller's URL is at fault, not Switchyard. */
export class ServerReadError extends Error {
  constructor(
    readonly field: RequestField,
    message: string,
  ) {
    super(message);
    this.name = "ServerReadError";
  }
}

function tlsOptions(target: ServerTarget): boolean | ConnectionOptions {
  switch (target.sslmode) {
    case "disable":
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}

/**
 * Every value is given, so nothing comes from the control plane's own
 * environment (PGPASSWORD, ~/.pgpass, PGSSLMODE): a URL without a password
 * must not make Switchyard offer someone else's. The password is a function
 * for the same reason: node-postgres looks in ~/.pgpass when it is missing.
 */
function clientFor(target: ServerTarget): pg.Client {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: async () => {
      if (target.password === null) throw new Error("the server asks for a password, and the URL has none");
      return target.password;
    },
    database: target.database ?? target.user,
    ssl: tlsOptions(target),
    application_name: "switchyard-discovery",
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
  });
  // A connection that breaks while idle emits 'error'; unhandled it would take the process down.
  client.on("error", () => {});
  return client;
}

interface WalSenderRow {
  pid: number;
  application_name: string;
  client_addr: string | null;
  state: string | null;
  sync_state: string | null;
  datname: string | null;
}

interface SlotRow {
  slot_name: string;
  slot_type: "physical" | "logical";
  active: boolean;
  active_pid: number | null;
}

interface WalReceiverRow {
  status: string | null;
  sender_host: string | null;
  sender_port: number | null;
  slot_name: string | null;
  conninfo: string | null;
}

const VERSION_SQL = "SELECT current_setting('server_version_num')::int AS version_num, current_setting('server_version') AS version, current_user AS role";

const STATUS_SQL = `
  SELECT pg_is_in_recovery() AS in_recovery,
    (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
    current_setting('cluster_name') AS cluster_name,
    current_setting('synchronous_standby_names') AS synchronous_standby_names`;

// A physical standby's walsender is attached to no database; a logical replication connection is.
const WAL_SENDERS_SQL = `
  SELECT r.pid, r.application_name, host(r.client_addr) AS client_addr, r.state, r.sync_state, a.datname
  FROM pg_catalog.pg_stat_replication r
  LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = r.pid
  ORDER BY r.application_name, r.pid
  LIMIT ${MAX_ROWS}`;

const SLOTS_SQL = `SELECT slot_name, slot_type, active, active_pid FROM pg_catalog.pg_replication_slots ORDER BY slot_name LIMIT ${MAX_ROWS}`;

const WAL_RECEIVER_SQL = "SELECT status, sender_host, sender_port, slot_name, conninfo FROM pg_catalog.pg_stat_wal_receiver";

/** primary_conninfo is readable only with pg_read_all_settings (or as a superuser); without it the answer is a question, not an error. */
async function readPrimaryConninfo(client: pg.Client): Promise<SettingReading> {
  try {
    const { rows } = await client.query<{ value: string }>("SELECT current_setting('primary_conninfo') AS value");
    return { readable: true, value: rows[0]?.value ?? "" };
  } catch (error) {
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) return { readable: false, reason: (error as Error).message };
    throw error;
  }
}

async function read(client: pg.Client, field: RequestField, target: ServerTarget): Promise<ServerReading> {
  await client.connect();
  const [version] = (await client.query<{ version_num: number; version: string; role: string }>(VERSION_SQL)).rows;
  if (!version) throw new Error("the server answered no version");
  const reading: ServerReading = {
    field,
    endpoint: { host: target.host, port: target.port, database: target.database },
    role: version.role,
    versionNum: version.version_num,
    version: version.version,
    details: null,
  };
  if (version.version_num < MIN_SERVER_VERSION_NUM) return reading;

  const [status] = (
    await client.query<{ in_recovery: boolean; system_identifier: string; cluster_name: string; synchronous_standby_names: string }>(STATUS_SQL)
  ).rows;
  if (!status) throw new Error("the server answered no status");
  const primaryConninfo = await readPrimaryConninfo(client);
  const senders = (await client.query<WalSenderRow>(WAL_SENDERS_SQL)).rows;
  const slots = (await client.query<SlotRow>(SLOTS_SQL)).rows;
  const [receiver] = (await client.query<WalReceiverRow>(WAL_RECEIVER_SQL)).rows;
  return {
    ...reading,
    details: {
      inRecovery: status.in_recovery,
      systemIdentifier: status.system_identifier,
      clusterName: status.cluster_name,
      synchronousStandbyNames: status.synchronous_standby_names,
      primaryConninfo,
      walSenders: senders.map((row) => ({
        pid: row.pid,
        applicationName: row.application_name,
        clientAddr: row.client_addr,
        state: row.state,
        syncState: row.sync_state,
        database: row.datname,
      })),
      slots: slots.map((row) => ({ name: row.slot_name, type: row.slot_type, active: row.active, activePid: row.active_pid })),
      walReceiver: receiver
        ? { status: receiver.status, senderHost: receiver.sender_host, senderPort: receiver.sender_port, slotName: receiver.slot_name, conninfo: receiver.conninfo }
        : null,
    },
  };
}

/**
 * Reads what discovery needs from one server, with SELECTs only, each bounded
 * in time. Whatever fails on the way is the URL's problem and says which
 * server and role; the password never appears in it.
 */
export async function readServer(field: RequestField, target: ServerTarget): Promise<ServerReading> {
  const client = clientFor(target);
  try {
    return await within(read(client, field, target), READ_DEADLINE_MS, "reading the server");
  } catch (error) {
    // Programming errors stay errors (500, logged); everything else came from the server or the network.
    if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ServerReadError(field, `could not read ${endpointLabel(target)} as ${target.user}: ${detail}`);
  } finally {
    await closeClient(client);
  }
}
