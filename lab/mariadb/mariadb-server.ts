import { execFile, spawn } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { isProcessAlive } from "@/embedded/process-alive";

/**
 * One MariaDB server run from Debian's binaries (`apt-get install
 * mariadb-server`), with its own data folder and port: what the lab and the
 * tests replicate with GTIDs and semi-synchronous commits. As root it runs
 * as the `mysql` OS user the package creates.
 */

export const MARIADBD = "/usr/sbin/mariadbd";
export const MARIADB_INSTALL_DB = "/usr/bin/mariadb-install-db";
export const MARIADB_INSTALL_HINT = "apt-get install mariadb-server mariadb-client";

/** What is missing to run MariaDB here, or null. */
export function mariadbMissing(): string | null {
  const missing = [MARIADBD, MARIADB_INSTALL_DB, "/usr/bin/mariadb-dump", "/usr/bin/mariadb"].filter((file) => !existsSync(file));
  return missing.length ? `MariaDB is not installed (${missing.join(", ")} missing); install it with: ${MARIADB_INSTALL_HINT}` : null;
}

export interface MariadbServerSpec {
  name: string;
  dataDir: string;
  port: number;
  /** Unique within the replication topology; it is in every GTID the server writes. */
  serverId: number;
  /** Whether, as a replica, it acknowledges semi-synchronous commits (default on); an asynchronous replica does not. */
  semiSyncReplica?: boolean;
  /**
   * A former primary coming back to follow the new one (`--init-rpl-role=SLAVE`):
   * its crash recovery rolls back, and cuts from its binlog, the transactions
   * it had written there but not committed, waiting for a semi-synchronous
   * acknowledgement that never came — no client was told they committed.
   * Started as a primary, it would commit them, and its rejoin would be
   * refused for those errant GTIDs (MariaDB's MDEV-21117 and MDEV-33465).
   * Never for a primary that stays one: a replica may hold what it would cut.
   */
  rejoining?: boolean;
}

const run = promisify(execFile);

function osUser(): { uid: number; gid: number; name: string } | null {
  if (os.userInfo().uid !== 0) return null;
  const fields = readFileSync("/etc/passwd", "utf8").split("\n").find((line) => line.startsWith("mysql:"))?.split(":") ?? [];
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`running as root, MariaDB needs the mysql OS user (${MARIADB_INSTALL_HINT} creates it)`);
  return { uid, gid, name: "mysql" };
}

/** A fresh data folder: mariadb-install-db once per `template`, copied for each server after (it takes seconds). */
export async function initializeDataDir(dataDir: string, template: string): Promise<void> {
  const user = osUser();
  if (!existsSync(path.join(template, "mysql"))) {
    // Its own temporary folder: a bootstrap in the shared /tmp, beside other tests' servers, once failed on a temporary table it could not remove there.
    const tmpdir = `${template}.tmp`;
    for (const folder of [template, tmpdir]) {
      mkdirSync(folder, { recursive: true });
      if (user) chownSync(folder, user.uid, user.gid);
    }
    await run(MARIADB_INSTALL_DB, ["--no-defaults", `--datadir=${template}`, `--tmpdir=${tmpdir}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...(user ? [`--user=${user.name}`] : [])]);
    rmSync(tmpdir, { recursive: true, force: true });
  }
  cpSync(template, dataDir, { recursive: true, preserveTimestamps: true });
  if (user) await run("chown", ["-R", `${user.uid}:${user.gid}`, dataDir]);
}

const socketOf = (spec: MariadbServerSpec) => path.join(spec.dataDir, "mysqld.sock");

/**
 * How long a semi-synchronous commit waits for an acknowledgement before
 * the primary falls back to asynchronous commits (and its replicas stop
 * being synchronous standbys, semi-sync-standby.ts). MariaDB's default,
 * 10 s, is within reach of a replica on a busy shared machine; a fallback
 * drops the service's RPO-0 guarantee, so it should take a replica that is
 * really gone, not a slow one.
 */
export const SEMI_SYNC_TIMEOUT_MS = 30_000;

/**
 * The server's options: GTIDs in a binlog that also logs what it
 * replicates (a replica can become a primary), strict GTID mode (one history
 * per domain, so positions compare), acknowledging semi-synchronous commits
 * as a replica, and read-only from the start: only a promotion or an
 * unfence makes a server writable, so a former primary that restarts does
 * not take writes. Commits wait for a replica's acknowledgement only once
 * the primary is told to (`sync-standbys`): a replica's own commits of what
 * it replicates would otherwise wait for replicas it does not have.
 */
export function mariadbdArgs(spec: MariadbServerSpec): string[] {
  const user = osUser();
  return [
    "--no-defaults",
    ...(user ? [`--user=${user.name}`] : []),
    `--datadir=${spec.dataDir}`,
    `--port=${spec.port}`,
    "--bind-address=127.0.0.1",
    `--socket=${socketOf(spec)}`,
    `--pid-file=${path.join(spec.dataDir, "mysqld.pid")}`,
    `--log-error=${path.join(spec.dataDir, "error.log")}`,
    `--server-id=${spec.serverId}`,
    `--report-host=${spec.name}`,
    "--log-bin=mariadb-bin",
    "--log-slave-updates=ON",
    "--binlog-format=ROW",
    "--gtid-strict-mode=ON",
    "--read-only=ON",
    "--skip-name-resolve",
    "--rpl-semi-sync-master-enabled=OFF",
    `--rpl-semi-sync-slave-enabled=${spec.semiSyncReplica === false ? "OFF" : "ON"}`,
    "--rpl-semi-sync-master-wait-point=AFTER_SYNC",
    ...(spec.rejoining ? ["--init-rpl-role=SLAVE"] : []),
    `--rpl-semi-sync-master-timeout=${SEMI_SYNC_TIMEOUT_MS}`,
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
    "--performance-schema=OFF",
    "--max-connections=200",
  ];
}

/**
 * Whether the server answers on its own socket, in its data folder: another
 * server may have taken its TCP port while it was down (another lab's), and
 * a connection there would pass for this one, which then dies on its bind.
 * mariadbd listens on its socket only after it bound its port.
 */
async function acceptsConnections(spec: MariadbServerSpec): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketOf(spec) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts the server detached (it outlives this process) and resolves once it accepts connections; its pid. */
export async function startMariadb(spec: MariadbServerSpec, timeoutMs = 60_000): Promise<number> {
  const log = openSync(path.join(path.dirname(spec.dataDir), `${spec.name}.stdout.log`), "a");
  const child = spawn(MARIADBD, mariadbdArgs(spec), { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name}: mariadbd did not start`);
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsConnections(spec))) {
    if (!isProcessAlive(pid)) throw new Error(`${spec.name}: mariadbd exited while starting; see ${path.join(spec.dataDir, "error.log")}`);
    if (Date.now() > deadline) throw new Error(`${spec.name}: mariadbd did not accept connections on port ${spec.port} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pid;
}

/** SIGTERM (a clean shutdown) or SIGKILL (a crash), and waits until the process is gone. */
export async function stopMariadb(pid: number, signal: "SIGTERM" | "SIGKILL" = "SIGTERM", timeoutMs = 60_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`mariadbd ${pid} did not stop within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Statements in one session at `url` (session settings carry over to the next); the rows of the last. */
export async function inOneSession(url: string, statements: [string, unknown[]?][]): Promise<unknown[]> {
  const connection = await connectMariadb(url, 10_000);
  try {
    let rows: unknown[] = [];
    for (const [statement, values] of statements) rows = await rowsOf(connection, statement, 30_000, values ?? []);
    return rows;
  } finally {
    await closeMariadb(connection);
  }
}
