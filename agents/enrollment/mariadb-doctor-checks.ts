import { VOUCH_SCHEMA } from "../mariadb/vouch-table";
import type { DoctorLine } from "./doctor-checks";

/**
 * What `doctor` checks on a MariaDB replica's host: the monitoring and
 * commands users' privileges, and the settings Switchyard's zero-loss
 * promotion relies on. Privileges and settings are declared tables, each row
 * saying what needs it.
 */

export type MariadbServerFacts =
  | { connected: false; error: string }
  | {
      connected: true;
      /** CURRENT_USER(): `user@host`. */
      account: string;
      version: string;
      /** The global privileges information_schema.USER_PRIVILEGES lists for the account. */
      privileges: string[];
      /** Its privileges on the `switchyard` schema (information_schema.SCHEMA_PRIVILEGES), where the primary lease's vouches go. */
      schemaPrivileges: string[];
      gtidStrictMode: boolean;
      logBin: boolean;
      logSlaveUpdates: boolean;
      binlogFormat: string;
      /** null on a build without semi-synchronous replication. */
      semiSyncReplicaEnabled: boolean | null;
    };

export type MariadbUserFacts = { connected: false; error: string } | { connected: true; account: string; privileges: string[]; schemaPrivileges: string[] };

/** The monitoring user's privileges, and what the probe reads with each. */
export const MONITORING_PRIVILEGES: Record<string, string> = {
  "SLAVE MONITOR": "SHOW ALL SLAVES STATUS: the replica threads, GTID positions and errors",
  "REPLICATION MASTER ADMIN": "SHOW SLAVE HOSTS: the replicas a primary has",
};

/** The commands user's privileges, and which command needs each. */
export const COMMANDS_PRIVILEGES: Record<string, string> = {
  "READ_ONLY ADMIN": "SET GLOBAL read_only (fence, promote)",
  "CONNECTION ADMIN": "KILL CONNECTION of client sessions (fence)",
  PROCESS: "seeing every session to end (fence)",
  "REPLICATION SLAVE ADMIN": "STOP/START SLAVE, CHANGE MASTER, RESET SLAVE, gtid_slave_pos (promote, repoint, rejoin)",
  "REPLICATION MASTER ADMIN": "rpl_semi_sync_master_* and SHOW SLAVE HOSTS (naming the semi-synchronous replicas)",
  "SLAVE MONITOR": "SHOW ALL SLAVES STATUS (every command reads the replica's state first)",
  "BINLOG ADMIN": "sql_log_bin off while rejoining, so nothing the rejoin does becomes a transaction",
  RELOAD: "FLUSH ENGINE LOGS and RESET MASTER (checkpoint, rejoin)",
};

/**
 * The primary lease's vouch schema (agents/mariadb/vouch-table.ts), held on
 * `switchyard.*` or globally: the monitoring user is a witness that vouches
 * for its peers' primaries, the commands user the lease keeper that creates
 * the schema and is the definer the vouch procedure writes as.
 */
export const VOUCH_MONITORING_PRIVILEGES: Record<string, string> = {
  EXECUTE: `CALL ${VOUCH_SCHEMA}.vouch: this replica's agent vouches, as a witness, for a primary in another region, which keeps its lease while the control plane is out of reach`,
};

export const VOUCH_COMMANDS_PRIVILEGES: Record<string, string> = {
  CREATE: `the ${VOUCH_SCHEMA} schema and its vouch table (primary lease)`,
  "CREATE ROUTINE": `${VOUCH_SCHEMA}.vouch, the procedure witnesses vouch through (primary lease)`,
  SELECT: "reading the witnesses' vouches (primary lease)",
  INSERT: "the vouch procedure's write, which runs as this user (primary lease)",
  UPDATE: "the vouch procedure's write, which runs as this user (primary lease)",
};

/** The server settings a replica needs, each with why and how to set it. */
const SETTINGS: { check: string; ok: (facts: Extract<MariadbServerFacts, { connected: true }>) => boolean; detail: (facts: Extract<MariadbServerFacts, { connected: true }>) => string; need: string; fix: string }[] = [
  {
    check: "gtid-strict",
    ok: (facts) => facts.gtidStrictMode,
    detail: (facts) => `gtid_strict_mode is ${facts.gtidStrictMode ? "ON" : "OFF"}`,
    need: "one history per replication domain, so GTID positions compare and a promotion's zero-loss proof holds",
    fix: "SET GLOBAL gtid_strict_mode = ON, and gtid_strict_mode=ON under [mariadbd] in the server's configuration",
  },
  {
    check: "binlog",
    ok: (facts) => facts.logBin && facts.logSlaveUpdates && facts.binlogFormat.toUpperCase() === "ROW",
    detail: (facts) => `log_bin ${facts.logBin ? "ON" : "OFF"}, log_slave_updates ${facts.logSlaveUpdates ? "ON" : "OFF"}, binlog_format ${facts.binlogFormat}`,
    need: "a replica writes what it replicates into its own binlog (ROW events), so once promoted its replicas can follow it",
    fix: "log_bin, log_slave_updates=ON and binlog_format=ROW under [mariadbd] in the server's configuration, then restart it",
  },
];

const ok = (check: string, detail: string): DoctorLine => ({ check, ok: true, detail });
const problem = (check: string, detail: string, fix: string): DoctorLine => ({ check, ok: false, detail, fix });

const quoted = (account: string) => {
  const at = account.lastIndexOf("@");
  return at < 0 ? `'${account}'@'%'` : `'${account.slice(0, at)}'@'${account.slice(at + 1)}'`;
};

function missing(privileges: readonly string[], needed: Record<string, string>): string[] {
  const held = new Set(privileges.map((privilege) => privilege.toUpperCase()));
  return Object.keys(needed).filter((privilege) => !held.has(privilege));
}

function grantLine(check: string, account: string, privileges: readonly string[], needed: Record<string, string>, role: string, on = "*.*"): DoctorLine {
  const lacking = missing(privileges, needed);
  if (lacking.length === 0) return ok(check, `${role} as ${account}, which has ${Object.keys(needed).join(", ")}${on === "*.*" ? "" : ` on ${on}`}`);
  const uses = lacking.map((privilege) => `${privilege}: ${needed[privilege]}`).join("; ");
  return problem(check, `${account} (${role}) lacks ${lacking.join(", ")}${on === "*.*" ? "" : ` on ${on}`} (${uses})`, `GRANT ${lacking.join(", ")} ON ${on} TO ${quoted(account)};`);
}

/** A line for the vouch schema: its privileges count whether granted on it or globally. */
function vouchGrantLine(check: string, facts: { account: string; privileges: string[]; schemaPrivileges: string[] }, needed: Record<string, string>, role: string): DoctorLine {
  return grantLine(check, facts.account, [...facts.privileges, ...facts.schemaPrivileges], needed, role, `${VOUCH_SCHEMA}.*`);
}

/** One line per check on a MariaDB replica: the monitoring user, the commands user, then each setting. */
export function mariadbLines(server: MariadbServerFacts, commands: MariadbUserFacts | null): DoctorLine[] {
  if (!server.connected) return [problem("mariadb", `cannot connect as the monitoring user: ${server.error}`, "check --mariadb (host, port, user, password) and the user's allowed hosts")];
  const lines = [
    grantLine("mariadb", server.account, server.privileges, MONITORING_PRIVILEGES, `connected to MariaDB ${server.version}`),
    vouchGrantLine("witness-vouch", server, VOUCH_MONITORING_PRIVILEGES, "witness vouches"),
  ];
  const runner = commands ?? { connected: true as const, account: server.account, privileges: server.privileges, schemaPrivileges: server.schemaPrivileges };
  if (!runner.connected) lines.push(problem("commands-user", `cannot connect as the commands user: ${runner.error}`, "check --commands-mariadb and the user's allowed hosts"));
  else {
    const line = grantLine("commands-user", runner.account, runner.privileges, COMMANDS_PRIVILEGES, "commands run");
    lines.push(commands || line.ok ? line : { ...line, fix: `${line.fix} Or enroll again with --commands-mariadb <url of a user that has them>` });
    lines.push(vouchGrantLine("lease-schema", runner, VOUCH_COMMANDS_PRIVILEGES, "the primary lease keeper"));
  }
  for (const setting of SETTINGS) {
    lines.push(setting.ok(server) ? ok(setting.check, setting.detail(server)) : problem(setting.check, `${setting.detail(server)}: Switchyard needs ${setting.need}`, setting.fix));
  }
  if (server.semiSyncReplicaEnabled === null) {
    lines.push(problem("semi-sync", "this MariaDB build has no semi-synchronous replication (no rpl_semi_sync_* variables): it cannot hold strong (RPO 0) data", "install a MariaDB server with semi-synchronous replication built in (10.3 and later have it)"));
  } else if (!server.semiSyncReplicaEnabled) {
    lines.push(
      problem(
        "semi-sync",
        "rpl_semi_sync_slave_enabled is OFF: this server does not acknowledge commits as a replica, so it cannot be a sync replica (an async one may ignore this line)",
        "SET GLOBAL rpl_semi_sync_slave_enabled = ON, and rpl_semi_sync_slave_enabled=ON under [mariadbd] in the server's configuration, then STOP SLAVE; START SLAVE",
      ),
    );
  } else lines.push(ok("semi-sync", "semi-synchronous replication is built in and this server acknowledges commits as a replica (rpl_semi_sync_slave_enabled ON)"));
  return lines;
}
