import { execFile } from "node:child_process";
import { appendFileSync, chownSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { isStandbyFolder, newestTimeline } from "@/embedded/data-folder";
import { isProcessRunning } from "@/embedded/process-alive";
import type { LocalServerFolders } from "../../config";
import type { FileOwner } from "./tar-extractor";

const execFileAsync = promisify(execFile);

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * The replica's server as files and processes on this host: its data folder
 * and the binaries that stop and start it. PostgreSQL refuses to run as root,
 * so when the agent is root every binary runs as the data folder's owner and
 * every file written into the folder is given to that owner.
 */
export class LocalServer {
  readonly dataDir: string;
  readonly logFile: string;

  constructor(private readonly config: LocalServerFolders) {
    this.dataDir = path.resolve(config.dataDir);
    this.logFile = path.resolve(config.logFile ?? path.join(path.dirname(this.dataDir), "postgresql.log"));
  }

  owner(): FileOwner | null {
    if (os.userInfo().uid !== 0) return null;
    const { uid, gid } = statSync(this.dataDir);
    return uid === 0 ? null : { uid, gid };
  }

  /** The data folder's major version (PG_VERSION), which the binaries must match. */
  majorVersion(): number {
    return Number.parseInt(readFileSync(path.join(this.dataDir, "PG_VERSION"), "utf8").trim(), 10);
  }

  isStandbyFolder(): boolean {
    return isStandbyFolder(this.dataDir);
  }

  newestTimeline(): number {
    return newestTimeline(this.dataDir);
  }

  /** Whether a postmaster runs on the folder (its pid file names a live process). */
  isRunning(): boolean {
    return this.postmaster() === "running";
  }

  /** postmaster.pid: absent (a clean stop), naming a running process, or left behind by a dead one (a crash; a postmaster not yet reaped is dead too). */
  postmaster(): "none" | "running" | "stale" {
    const pidFile = path.join(this.dataDir, "postmaster.pid");
    let text: string;
    try {
      text = readFileSync(pidFile, "utf8");
    } catch {
      return "none";
    }
    const pid = Number(text.split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 && isProcessRunning(pid) ? "running" : "stale";
  }

  /** Why the folder cannot be started as it is, or null when the files a start needs are there. */
  folderProblem(): string | null {
    for (const file of ["PG_VERSION", "global/pg_control", "pg_wal"]) {
      if (!existsSync(path.join(this.dataDir, file))) return `${file} is missing from ${this.dataDir}`;
    }
    return null;
  }

  /**
   * Makes every session of the next start read-only, as ALTER SYSTEM SET
   * default_transaction_read_only = on would (the server is down, so the
   * file is written as ALTER SYSTEM writes it); ALTER SYSTEM RESET undoes it.
   */
  writeReadOnlyDefault(): void {
    const file = path.join(this.dataDir, "postgresql.auto.conf");
    const kept = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((line) => line !== "" && !/^\s*default_transaction_read_only\s*=/.test(line)) : [];
    const temporary = `${file}.switchyard`;
    writeFileSync(temporary, [...kept, "default_transaction_read_only = 'on'", ""].join("\n"), { mode: 0o600 });
    const owner = this.owner();
    if (owner) chownSync(temporary, owner.uid, owner.gid);
    renameSync(temporary, file);
  }

  binary(name: string): string | null {
    const file = path.join(this.config.binDir, name);
    return existsSync(file) ? file : null;
  }

  /** pg_rewind when binDir has one built for the folder's major version. */
  async pgRewind(): Promise<string | null> {
    const binary = this.binary("pg_rewind");
    if (!binary) return null;
    const { stdout } = await this.run(binary, ["--version"], 10_000);
    const major = /(\d+)(?:\.\d+)?/.exec(stdout)?.[1];
    return major !== undefined && Number(major) === this.majorVersion() ? binary : null;
  }

  /** Fast shutdown (open transactions roll back); nothing to do when it does not run. */
  async stop(): Promise<void> {
    if (!this.isRunning()) return;
    await this.run(this.requireBinary("pg_ctl"), ["stop", "-w", "-t", "60", "-m", "fast", "-D", this.dataDir], 90_000);
  }

  /**
   * Starts the server and waits until it accepts connections (a standby's
   * read-only ones count), `timeoutMs` at most. The log is created for the
   * owner first: the owner may not be allowed to create files where it lives.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    appendFileSync(this.logFile, "");
    const owner = this.owner();
    if (owner) chownSync(this.logFile, owner.uid, owner.gid);
    try {
      const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      await this.run(this.requireBinary("pg_ctl"), ["start", "-w", "-t", seconds, "-D", this.dataDir, "-l", this.logFile], Math.ceil(timeoutMs) + 30_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${this.logFile} ---\n${this.logTail()}`);
    }
  }

  logTail(lines = 12): string {
    try {
      return readFileSync(this.logFile, "utf8").trim().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Runs one of the server's binaries as the folder's owner; `env` adds to a C-locale environment. */
  async run(binary: string, args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<ToolOutput> {
    const owner = existsSync(this.dataDir) ? this.owner() : null;
    try {
      return await execFileAsync(binary, args, {
        uid: owner?.uid,
        gid: owner?.gid,
        timeout: timeoutMs,
        env: { ...process.env, LC_ALL: "C", LANG: "C", ...env },
        // The owner may not be able to enter the agent's working folder.
        cwd: os.tmpdir(),
      });
    } catch (error) {
      const failure = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${path.basename(binary)} ${args[0] ?? ""} failed: ${(failure.stderr || failure.stdout || failure.message).trim()}`);
    }
  }

  private requireBinary(name: string): string {
    const binary = this.binary(name);
    if (!binary) throw new Error(`${name} is not in ${this.config.binDir} (server.binDir in the agent config)`);
    return binary;
  }
}
