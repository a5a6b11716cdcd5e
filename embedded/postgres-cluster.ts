import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { postgresBinaries } from "./postgres-binaries";
import { isProcessAlive } from "./process-alive";
import { assertReachable, postgresOsUser, type OsUser } from "./run-as";

const execFileAsync = promisify(execFile);

/** One PostgreSQL cluster (data folder + server) on 127.0.0.1. */
export interface ClusterSpec {
  dataDir: string;
  port: number;
  /** Lines for `switchyard.conf`, which postgresql.conf includes; rewritten on every start. */
  settings?: Record<string, string | number | boolean>;
}

const SETTINGS_FILE = "switchyard.conf";

function confValue(value: string | number | boolean): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "on" : "off";
  return `'${value.replaceAll("'", "''")}'`;
}

async function run(binary: string, args: string[], user: OsUser | null, timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(binary, args, {
      uid: user?.uid,
      gid: user?.gid,
      timeout: timeoutMs,
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
      cwd: os.tmpdir(),
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${path.basename(binary)} ${args[0] ?? ""} failed: ${(failure.stderr || failure.stdout || failure.message).trim()}`);
  }
}

/** Gives the folder to the user PostgreSQL runs as (no-op unless we are root). */
export async function handOver(folder: string, user: OsUser | null = postgresOsUser()): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  if (user) await chown(folder, user.uid, user.gid);
}

export async function writeClusterSettings(spec: ClusterSpec): Promise<void> {
  const settings = {
    port: spec.port,
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    ...spec.settings,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${confValue(value)}`);
  const file = path.join(spec.dataDir, SETTINGS_FILE);
  await writeFile(file, `# written by Switchyard on every start\n${lines.join("\n")}\n`);
  const user = postgresOsUser();
  if (user) await chown(file, user.uid, user.gid);
}

/** initdb with a password-protected superuser `postgres` and replication allowed from 127.0.0.1. */
export async function initCluster(dataDir: string, superuserPassword: string): Promise<void> {
  const { initdb } = await postgresBinaries();
  const user = postgresOsUser();
  await handOver(dataDir, user);
  assertReachable(dataDir, user);
  const pwfile = path.join(path.dirname(dataDir), `.pwfile-${process.pid}`);
  await writeFile(pwfile, `${superuserPassword}\n`, { mode: 0o600 });
  if (user) await chown(pwfile, user.uid, user.gid);
  try {
    await run(initdb, ["-D", dataDir, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"], user);
  } finally {
    await rm(pwfile, { force: true });
  }
  const conf = path.join(dataDir, "postgresql.conf");
  await writeFile(conf, `${await readFile(conf, "utf8")}\ninclude_if_exists = '${SETTINGS_FILE}'\n`);
}

export function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, "PG_VERSION"));
}

/** The postmaster's pid when one is running on this data folder. */
export async function runningPid(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
}

/**
 * Starts the server and waits until it accepts connections (read-only ones
 * count, so this works for standbys). pg_ctl puts the server in a session of
 * its own, so a Ctrl-C meant for us reaches it only through `stopCluster`.
 */
export async function startCluster(spec: ClusterSpec, logFile: string): Promise<void> {
  const { pg_ctl } = await postgresBinaries();
  const user = postgresOsUser();
  await writeClusterSettings(spec);
  // The log holds statements, errors and connection details: readable by its owner only (an older, wider log is narrowed).
  await writeFile(logFile, "", { flag: "a", mode: 0o600 });
  await chmod(logFile, 0o600);
  if (user) await chown(logFile, user.uid, user.gid);
  try {
    await run(pg_ctl, ["start", "-w", "-t", "60", "-D", spec.dataDir, "-l", logFile], user);
  } catch (error) {
    const tail = (await readFile(logFile, "utf8").catch(() => "")).trim().split("\n").slice(-12).join("\n");
    throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${tail}`);
  }
}

const SHUTDOWN_SIGNAL = { smart: "SIGTERM", fast: "SIGINT", immediate: "SIGQUIT" } as const;

/**
 * Stops the server if it runs: `fast` rolls back open transactions and shuts
 * down cleanly. `knownPid` (the postmaster started earlier) is signalled
 * directly when the data folder can no longer tell pg_ctl which process to
 * stop, e.g. because someone removed it under the running server.
 */
export async function stopCluster(dataDir: string, mode: "smart" | "fast" | "immediate" = "fast", knownPid?: number): Promise<void> {
  if (await runningPid(dataDir)) {
    const { pg_ctl } = await postgresBinaries();
    await run(pg_ctl, ["stop", "-w", "-t", "60", "-m", mode, "-D", dataDir], postgresOsUser());
    return;
  }
  if (!knownPid || !isProcessAlive(knownPid)) return;
  process.kill(knownPid, SHUTDOWN_SIGNAL[mode]);
  const deadline = Date.now() + 60_000;
  while (isProcessAlive(knownPid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${knownPid}) did not stop within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The postmaster's processes. PostgreSQL makes every child a session leader
 * of its own, so signalling the postmaster's process group would miss them;
 * they are found by parent pid instead (Linux /proc).
 */
async function serverChildren(postmasterPid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
    if (!stat) continue;
    // "pid (command) state ppid …": the command may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === postmasterPid) children.push(Number(entry));
  }
  return children;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function requireRunning(dataDir: string): Promise<number> {
  const pid = await runningPid(dataDir);
  if (!pid) throw new Error(`no PostgreSQL is running on ${dataDir}`);
  return pid;
}

/**
 * Freezes every process of the server (SIGSTOP), like a machine that stops
 * answering without closing its connections. The postmaster goes first, so
 * it cannot fork a child that escapes. Returns the postmaster's pid.
 */
export async function pauseCluster(dataDir: string): Promise<number> {
  const pid = await requireRunning(dataDir);
  process.kill(pid, "SIGSTOP");
  for (const child of await serverChildren(pid)) signalQuietly(child, "SIGSTOP");
  return pid;
}

/** Undoes `pauseCluster`; harmless on a server that is not paused. */
export async function resumeCluster(dataDir: string): Promise<void> {
  const pid = await runningPid(dataDir);
  if (!pid) return;
  for (const child of await serverChildren(pid)) signalQuietly(child, "SIGCONT");
  signalQuietly(pid, "SIGCONT");
}

/**
 * Kills every process of the server at once (SIGKILL), like a machine that
 * dies: nothing is flushed or shut down, and no orphaned backend lingers
 * (holding shared memory that would stop the next start). The postmaster is
 * frozen first so it can neither fork nor react while its children die.
 * Returns its pid.
 */
export async function killCluster(dataDir: string): Promise<number> {
  const pid = await requireRunning(dataDir);
  process.kill(pid, "SIGSTOP");
  const children = await serverChildren(pid);
  for (const child of children) signalQuietly(child, "SIGKILL");
  signalQuietly(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while ([pid, ...children].some(isProcessAlive)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not die within 10 s of SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pid;
}
