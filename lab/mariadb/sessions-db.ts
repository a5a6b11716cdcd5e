import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { managedConnection } from "@/agents/mariadb/observation";
import { REPLICA_STATUS_SQL, type ReplicaStatusRow } from "@/agents/mariadb/probe-queries";
import { VOUCH_GRANT } from "@/agents/mariadb/vouch-table";
import { isProcessAlive } from "@/embedded/process-alive";
import { freePort } from "@/server/store/free-port";
import { labDir } from "../paths";
import { initializeDataDir, inOneSession, startMariadb, stopMariadb } from "./mariadb-server";
import { SESSIONS_DB, sessionsReplica, type SessionsReplica } from "./sessions-topology";

/**
 * The servers of sessions-db under `<data>/lab/sessions-db`, brought up by
 * the lab like its PostgreSQL clusters: created on the first start (data
 * folders, users, the sessions table, replicas following the primary by
 * GTID), started as they were on the next. A restarted server comes up
 * read-only; the one that replicates from nobody is the primary and is made
 * writable again, unless there is not exactly one, which a person sorts out.
 */

type Log = (line: string) => void;

export const SESSIONS_USERS = ["admin", "monitor", "replication", "app"] as const;
export type SessionsUser = (typeof SESSIONS_USERS)[number];

const USER_NAMES: Record<SessionsUser, string> = { admin: "switchyard", monitor: "switchyard_monitor", replication: "replicator", app: "sessions_app" };

const stateSchema = z.object({
  ports: z.record(z.string(), z.int()),
  passwords: z.object({ admin: z.string(), monitor: z.string(), replication: z.string(), app: z.string() }),
  /** Set once users, table and replication exist: a start interrupted before is begun again from fresh folders. */
  built: z.boolean(),
});
type SessionsState = z.infer<typeof stateSchema>;

export const sessionsDir = (dataDir: string) => path.join(labDir(dataDir), SESSIONS_DB.id);
const stateFile = (dataDir: string) => path.join(sessionsDir(dataDir), "state.json");
export const sessionsDataDir = (dataDir: string, name: string) => path.join(sessionsDir(dataDir), name, "data");
const pidFile = (dataDir: string, name: string) => path.join(sessionsDataDir(dataDir, name), "mysqld.pid");

export interface SessionsDb {
  /** Where each replica's server listens. */
  ports: Record<string, number>;
  /** The replica taking writes, or null when the servers do not agree on one. */
  primary: string | null;
  /** `mariadb://…` as one of the lab's users, for a replica's database. */
  url(name: string, who: SessionsUser): string;
  credentials(who: SessionsUser): { user: string; password: string };
  stop(): Promise<void>;
}

function readState(dataDir: string): SessionsState | null {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return null;
  return stateSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

function writeState(dataDir: string, state: SessionsState): void {
  writeFileSync(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The server's pid when it runs, from its pid file. */
export function runningSessionsPid(dataDir: string, name: string): number | null {
  const file = pidFile(dataDir, name);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
}

const secret = () => randomBytes(12).toString("hex");

function folder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  // The mysql OS user must traverse it to its data folder.
  chmodSync(dir, 0o755);
}

async function assignPorts(dataDir: string, recorded: Record<string, number>): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const replica of SESSIONS_DB.replicas) {
    const wanted = recorded[replica.name] ?? replica.preferredPort;
    let port = wanted;
    if (!runningSessionsPid(dataDir, replica.name)) {
      port = await freePort(taken.has(wanted) ? undefined : wanted);
      while (taken.has(port)) port = await freePort();
    }
    taken.add(port);
    ports[replica.name] = port;
  }
  return ports;
}

/** The recorded ports and users of a sessions-db the lab built, for tools and tests beside it. */
export function sessionsAccess(dataDir: string): { ports: Record<string, number>; url(name: string, who: SessionsUser): string } {
  const state = readState(dataDir);
  if (!state?.built) throw new Error(`the lab has not built sessions-db under ${sessionsDir(dataDir)}`);
  return {
    ports: { ...state.ports },
    url: (name, who) => `mariadb://${USER_NAMES[who]}:${encodeURIComponent(state.passwords[who])}@127.0.0.1:${state.ports[sessionsReplica(name).name]}/${SESSIONS_DB.database}`,
  };
}

export async function startSessionsDb(dataDir: string, log: Log): Promise<SessionsDb> {
  // As the PostgreSQL lab does: the data folder and the lab's are traversable by the servers' OS user.
  for (const dir of [dataDir, labDir(dataDir), sessionsDir(dataDir)]) folder(dir);
  const recorded = readState(dataDir);
  const fresh = !recorded?.built;
  const state: SessionsState = {
    ports: await assignPorts(dataDir, recorded?.ports ?? {}),
    passwords: recorded?.passwords ?? { admin: secret(), monitor: secret(), replication: secret(), app: secret() },
    built: recorded?.built ?? false,
  };
  writeState(dataDir, state);
  const url = (name: string, who: SessionsUser | "root") => {
    const port = state.ports[name];
    if (who === "root") return `mariadb://root@127.0.0.1:${port}/`;
    return `mariadb://${USER_NAMES[who]}:${encodeURIComponent(state.passwords[who])}@127.0.0.1:${port}/${SESSIONS_DB.database}`;
  };
  // Without a database: a replica may not have the lab's database yet.
  const run = (name: string, who: SessionsUser | "root", statements: [string, unknown[]?][]) => inOneSession(url(name, who).replace(/\/[^/]*$/, "/"), statements);

  for (const replica of SESSIONS_DB.replicas) {
    const dataFolder = sessionsDataDir(dataDir, replica.name);
    if (fresh || !existsSync(path.join(dataFolder, "mysql"))) {
      if (!fresh) throw new Error(`${replica.name}: its data folder ${dataFolder} is gone; remove ${sessionsDir(dataDir)} to build sessions-db afresh`);
      folder(path.dirname(dataFolder));
      if (existsSync(dataFolder)) {
        // An interrupted first start: its server, if any, goes, and its folder is built again.
        const pid = runningSessionsPid(dataDir, replica.name);
        if (pid) await stopMariadb(pid, "SIGKILL");
        rmSync(dataFolder, { recursive: true, force: true });
      }
      await initializeDataDir(dataFolder, path.join(sessionsDir(dataDir), "template"));
    }
    if (!runningSessionsPid(dataDir, replica.name)) {
      log(`${replica.name}: starting mariadbd on port ${state.ports[replica.name]}`);
      await startMariadb({ name: replica.name, dataDir: dataFolder, port: state.ports[replica.name]!, serverId: replica.serverId, semiSyncReplica: replica.replication === "sync" });
    }
  }

  const follow = (replica: SessionsReplica, primary: string) =>
    run(replica.name, fresh ? "root" : "admin", [
      ["STOP SLAVE"],
      [
        `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${state.ports[primary]}, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`,
        [USER_NAMES.replication, state.passwords.replication],
      ],
      ["START SLAVE"],
    ]);

  if (fresh) {
    const primary = SESSIONS_DB.primary;
    const grants: [SessionsUser, string][] = [
      ["admin", "ALL PRIVILEGES ON *.*"],
      ["monitor", "SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.*"],
      ["replication", "REPLICATION SLAVE, SELECT, RELOAD, BINLOG MONITOR, SHOW VIEW, TRIGGER, EVENT ON *.*"],
      ["app", `SELECT, INSERT, UPDATE, DELETE ON ${SESSIONS_DB.database}.*`],
      ["monitor", `SELECT, INSERT, DELETE, CREATE ON ${SESSIONS_DB.database}.*`],
    ];
    const statements: [string, unknown[]?][] = [["SET GLOBAL read_only = OFF"]];
    for (const [who, privileges] of grants) {
      statements.push(["CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [USER_NAMES[who], state.passwords[who]]]);
      statements.push([`GRANT ${privileges} TO ?@'%'`, [USER_NAMES[who]]]);
    }
    statements.push([`CREATE DATABASE IF NOT EXISTS ${SESSIONS_DB.database}`]);
    statements.push([`CREATE TABLE IF NOT EXISTS ${SESSIONS_DB.database}.${SESSIONS_DB.table} (id BIGINT PRIMARY KEY, payload VARCHAR(64) NOT NULL, written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE = InnoDB`]);
    await run(primary, "root", statements);
    for (const replica of SESSIONS_DB.replicas) if (replica.name !== primary) await follow(replica, primary);
    await run(primary, "admin", [["SET GLOBAL rpl_semi_sync_master_enabled = ON"]]);
    // The agents and the workload connect to the lab's database: every replica has it before they start.
    for (const replica of SESSIONS_DB.replicas) await hasDatabase(replica.name, run);
    state.built = true;
    writeState(dataDir, state);
    log(`built: ${primary} the primary, the others its GTID replicas (semi-synchronous: ${SESSIONS_DB.replicas.filter((replica) => replica.replication === "sync" && replica.name !== primary).map((replica) => replica.name).join(", ")})`);
  }

  // The witnesses vouch through the primary (agents/mariadb/vouch-table.ts): granted on each server by itself, binlogging nothing, so a lab built before it gets it too.
  for (const replica of SESSIONS_DB.replicas) await run(replica.name, "root", [["SET SESSION sql_log_bin = 0"], [`GRANT ${VOUCH_GRANT} TO ?@'%'`, [USER_NAMES.monitor]]]);

  const primary = await resolvePrimary(run, log);
  if (primary && !fresh) {
    // Replicas whose primary listens on another port now (it moved) follow it there.
    for (const replica of SESSIONS_DB.replicas) {
      if (replica.name === primary) continue;
      const [row] = (await run(replica.name, "admin", [[REPLICA_STATUS_SQL]])) as ReplicaStatusRow[];
      if (Number(row?.Master_Port) !== state.ports[primary]) {
        log(`${replica.name}: following ${primary} on port ${state.ports[primary]}`);
        await follow(replica, primary);
      }
    }
    await run(primary, "admin", [["SET GLOBAL rpl_semi_sync_master_enabled = ON"], ["SET GLOBAL read_only = OFF"]]);
  }

  return {
    ports: { ...state.ports },
    primary,
    url: (name, who) => url(sessionsReplica(name).name, who),
    credentials: (who) => ({ user: USER_NAMES[who], password: state.passwords[who] }),
    stop: () => stopSessionsDb(dataDir, log),
  };
}

/** As root: until the replica has applied the setup, the lab's users are not there either. */
async function hasDatabase(name: string, run: (name: string, who: SessionsUser | "root", statements: [string, unknown[]][]) => Promise<unknown[]>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await run(name, "root", [["SHOW DATABASES LIKE ?", [SESSIONS_DB.database]]])).length === 0) {
    if (Date.now() > deadline) throw new Error(`${name} did not replicate the ${SESSIONS_DB.database} database within 60 s; see its error.log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The one server that replicates from nobody; null (and why, logged) when there is none or more than one. */
async function resolvePrimary(run: (name: string, who: SessionsUser, statements: [string][]) => Promise<unknown[]>, log: Log): Promise<string | null> {
  const independent: string[] = [];
  for (const replica of SESSIONS_DB.replicas) {
    const rows = (await run(replica.name, "admin", [[REPLICA_STATUS_SQL]])) as ReplicaStatusRow[];
    if (!managedConnection(rows)) independent.push(replica.name);
  }
  if (independent.length === 1) return independent[0]!;
  log(
    `sessions-db: ${independent.length ? independent.join(", ") : "no server"} replicate${independent.length === 1 ? "s" : ""} from nobody; ` +
      `every server stays read-only until a person names the primary (\`CHANGE MASTER\` on the others, \`SET GLOBAL read_only = OFF\` on it)`,
  );
  return null;
}

/** Each running server, a clean shutdown (SIGTERM), the primary's replicas still connected so they receive its last events. */
export async function stopSessionsDb(dataDir: string, log: Log): Promise<void> {
  await Promise.all(
    SESSIONS_DB.replicas.map(async (replica) => {
      const pid = runningSessionsPid(dataDir, replica.name);
      if (!pid) return;
      await stopMariadb(pid, "SIGTERM");
      log(`${replica.name}: stopped`);
    }),
  );
}
