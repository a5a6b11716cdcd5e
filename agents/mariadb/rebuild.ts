import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ReplicationConfig } from "../config";
import { primaryAddress } from "../commands/primary-conninfo";
import { closeMariadb, connectMariadb, parseMariadbUrl, rowsOf, type MariadbAddress, type MariadbConnection } from "./client";
import { STATEMENT_TIMEOUT_MS } from "./replica-control";
import { VOUCH_SCHEMA } from "./vouch-table";

/** Databases of the server itself, never dropped or copied: the lease's vouch schema is each server's own too (vouch-table.ts). */
const SYSTEM_DATABASES = new Set(["mysql", "information_schema", "performance_schema", "sys", VOUCH_SCHEMA]);

export interface RebuildOptions {
  target: { host: string; port: number };
  replication: ReplicationConfig;
  localConnectionString: string;
  formerDataDir: string;
  replicaName: string;
}

/** Runs a MariaDB client program (mariadb-dump, mariadb), the password in MYSQL_PWD rather than on the command line. */
async function runClient(program: string, address: MariadbAddress, args: string[], io: { stdout?: string; stdin?: string }): Promise<void> {
  const child = spawn(program, [`--host=${address.host}`, `--port=${address.port}`, `--user=${address.user}`, "--protocol=TCP", ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", MYSQL_PWD: address.password } as unknown as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const streams: Promise<void>[] = [];
  if (io.stdin) streams.push(pipeline(createReadStream(io.stdin), child.stdin));
  else child.stdin.end();
  if (io.stdout) streams.push(pipeline(child.stdout, createWriteStream(io.stdout, { mode: 0o600 })));
  else child.stdout.resume();
  const [code] = await Promise.all([exited, ...streams]);
  if (code !== 0) throw new Error(`${program} exited with ${code}: ${stderr.trim()}`);
}

const DUMP_ARGS = ["--single-transaction", "--routines", "--events", "--triggers", "--gtid"];

/**
 * Replaces a server's data with a copy of the primary's: its own databases
 * are first dumped to a file in formerDataDir (with their GTIDs, for whoever
 * must look at the writes made after the split) and its binlog reset, then
 * the primary's databases are loaded from a consistent dump that sets
 * gtid_slave_pos to the primary's position at the dump. The replication user
 * needs SELECT, RELOAD, BINLOG MONITOR, SHOW VIEW, TRIGGER and EVENT on the primary.
 */
export async function rebuildFrom(connection: MariadbConnection, options: RebuildOptions): Promise<{ keptAt: string; bytes: number }> {
  mkdirSync(options.formerDataDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replaceAll(":", "-");
  const keptAt = path.join(options.formerDataDir, `${options.replicaName}-${stamp}.sql`);
  const local = parseMariadbUrl(options.localConnectionString);
  const { host, port } = primaryAddress(options.target, options.replication);
  const primary: MariadbAddress = { host, port, user: options.replication.user, password: options.replication.password, database: undefined };

  const ownDatabases = await userDatabases(connection);
  await runClient("mariadb-dump", local, [...DUMP_ARGS, "--databases", ...ownDatabases], { stdout: keptAt });

  const copy = path.join(options.formerDataDir, `${options.replicaName}-${stamp}.from-primary.sql`);
  try {
    const primaryConnection = await connectMariadb(urlOf(primary), STATEMENT_TIMEOUT_MS);
    const primaryDatabases = await userDatabases(primaryConnection).finally(() => closeMariadb(primaryConnection));
    await runClient("mariadb-dump", primary, [...DUMP_ARGS, "--master-data=1", "--databases", ...primaryDatabases], { stdout: copy });
    await rowsOf(connection, "SET SESSION sql_log_bin = 0", STATEMENT_TIMEOUT_MS);
    for (const name of ownDatabases) await rowsOf(connection, `DROP DATABASE ${connection.escapeId(name)}`, STATEMENT_TIMEOUT_MS);
    // The errant GTIDs go with the binlog; the dump above keeps them.
    await rowsOf(connection, "RESET MASTER", STATEMENT_TIMEOUT_MS);
    await runClient("mariadb", local, ["--init-command=SET SESSION sql_log_bin = 0"], { stdin: copy });
    return { keptAt, bytes: statSync(copy).size };
  } finally {
    rmSync(copy, { force: true });
  }
}

async function userDatabases(connection: MariadbConnection): Promise<string[]> {
  const rows = await rowsOf<{ Database: string }>(connection, "SHOW DATABASES", STATEMENT_TIMEOUT_MS);
  return rows.map((row) => row.Database).filter((name) => !SYSTEM_DATABASES.has(name));
}

const urlOf = (address: MariadbAddress) =>
  `mariadb://${encodeURIComponent(address.user)}:${encodeURIComponent(address.password)}@${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}/`;
