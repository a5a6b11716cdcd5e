// fs.promises, not node:fs/promises: its getter loads Node's promise file API (and readline with it) on the first rewind, not in every agent at start.
import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { AgentCommandArgs } from "@/contracts/agent-commands";
import type { ReplicationConfig } from "../../config";
import { errorMessage } from "../../error-message";
import type pg from "pg";
import { closeClient, connectWithin, newClient } from "../../pg-client";
import type { CommandAnswer } from "../command-ledger";
import { failed, refused, succeeded } from "../command-executor";
import { confString } from "../conf-string";
import { conninfoValue, primaryAddress, primaryConninfo } from "../primary-conninfo";
import { libpqSecurity, upstreamClient, type Upstream } from "../upstream-security";
import { takeBaseBackup } from "./base-backup";
import type { LocalServer } from "./local-server";
import type { RebuildMarker } from "./rebuild-marker";
import { decideRewind, type RewindFacts } from "./rewind-guard";

export interface RewindOptions {
  server: LocalServer;
  replication: ReplicationConfig;
  replicaName: string;
  /** The local server, as a role that may read pg_stat_wal_receiver and settings. */
  connectionString: string;
  /** Where a rebuild that began is remembered until it finishes; null when the agent has no state folder to keep it in. */
  marker: RebuildMarker | null;
}

type Args = AgentCommandArgs<"rewind">;

const CONNECT_MS = 10_000;
const BASE_BACKUP_MS = 30 * 60_000;
const PG_REWIND_MS = 30 * 60_000;
const STREAMING_WITHIN_MS = 120_000;
const POLL_MS = 250;
/** Settings that make no sense once the server follows someone else: where it followed from, and a fence it no longer needs. */
const DROPPED_SETTINGS = /^\s*(primary_conninfo|primary_slot_name|default_transaction_read_only)\s*=/;

const TIMELINE_OF_PRIMARY = "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";

/**
 * Makes the local replica a standby of the primary at args.host:port: stop
 * it, replace its history since the split with the primary's (pg_rewind, or
 * a base backup into a new folder when there is no matching pg_rewind or it
 * fails), keep its own configuration files, point it at the primary and
 * start it, and answer once it streams.
 */
export async function rewind(command: Args, options: RewindOptions): Promise<CommandAnswer> {
  // Every connection below, and primary_conninfo, go the way this region reaches the primary.
  const args: Args = { ...command, ...primaryAddress(command, options.replication) };
  const { server, replicaName } = options;
  const started = performance.now();
  if (!existsSync(path.join(server.dataDir, "PG_VERSION"))) {
    return refused(`${server.dataDir} holds no PostgreSQL data folder; rewind works on an existing replica (server.dataDir in the agent config)`);
  }
  const facts: RewindFacts = { replica: replicaName, source: await sourceFacts(args, options), local: await localFacts(options) };
  const decision = decideRewind(facts);
  if (decision.action === "refuse") return refused(decision.reason);
  if (decision.action === "following") {
    options.marker?.finish();
    return succeeded({ method: "following", timeline: decision.timeline, bytes: 0, durationMs: Math.round(performance.now() - started), formerDataKeptAt: null, note: null });
  }

  const config = keptConfiguration(server.dataDir);
  // Before anything stops the server: should the rebuild fail part-way, a repoint knows the server is down because of it.
  options.marker?.begin(`${args.host}:${args.port}`);
  let method: "pg_rewind" | "base-backup" = "base-backup";
  let bytes: number | null = 0;
  let formerDataKeptAt: string | null = null;
  let rewindProblem: string | null = null;
  const pgRewind = await server.pgRewind();
  if (pgRewind) {
    try {
      await server.stop();
      bytes = await runPgRewind(pgRewind, args, options);
      method = "pg_rewind";
    } catch (error) {
      rewindProblem = errorMessage(error);
    }
  }
  if (method === "base-backup") {
    const copied = await replaceWithBaseBackup(args, options);
    bytes = copied.bytes;
    formerDataKeptAt = copied.formerDataKeptAt;
  }
  await restoreConfiguration(server, config);
  await configureStandby(args, options);
  await server.start();
  const timeline = await waitUntilStreaming(args, options);
  if (typeof timeline === "string") return failed(timeline, { method, bytes, formerDataKeptAt });
  options.marker?.finish();
  return succeeded({
    method,
    timeline,
    bytes,
    durationMs: Math.round(performance.now() - started),
    formerDataKeptAt,
    note: rewindProblem ? `pg_rewind failed, so a base backup was taken instead: ${rewindProblem}` : null,
  });
}

async function query<T>(connection: string | pg.Client, text: string, what: string): Promise<T | undefined> {
  const client = typeof connection === "string" ? newClient(connection, CONNECT_MS, "switchyard-agent-command") : connection;
  try {
    await connectWithin(client, CONNECT_MS, what);
    return (await client.query(text)).rows[0] as T | undefined;
  } finally {
    await closeClient(client);
  }
}

/** The primary, as the replication user, over the TLS the config asks for; the first connection a rewind makes to it. */
function upstreamOf(args: Args, replication: ReplicationConfig): Upstream {
  return { host: args.host, port: args.port, user: replication.user, password: replication.password, tls: replication };
}

async function sourceFacts(args: Args, { replication }: RewindOptions): Promise<RewindFacts["source"]> {
  const client = upstreamClient(upstreamOf(args, replication), { replication: false, applicationName: "switchyard-agent-command", timeoutMs: CONNECT_MS });
  client.on("error", () => {});
  const row = await query<{ in_recovery: boolean; timeline: number | null }>(
    client,
    `SELECT pg_is_in_recovery() AS in_recovery, CASE WHEN pg_is_in_recovery() THEN NULL ELSE ${TIMELINE_OF_PRIMARY} END AS timeline`,
    `the primary at ${args.host}:${args.port}`,
  );
  return { address: `${args.host}:${args.port}`, inRecovery: row?.in_recovery ?? true, timeline: row?.timeline ?? null };
}

async function localFacts({ server, connectionString }: RewindOptions): Promise<RewindFacts["local"]> {
  if (!server.isRunning()) return { running: false, standbyFolder: server.isStandbyFolder(), timeline: server.newestTimeline() };
  const row = await query<{
    in_recovery: boolean;
    read_only: string;
    timeline: number | null;
    status: string | null;
    sender: string | null;
    received_tli: number | null;
  }>(
    connectionString,
    `SELECT pg_is_in_recovery() AS in_recovery,
            current_setting('default_transaction_read_only') AS read_only,
            CASE WHEN pg_is_in_recovery() THEN NULL ELSE ${TIMELINE_OF_PRIMARY} END AS timeline,
            r.status, r.sender_host || ':' || r.sender_port AS sender, r.received_tli
       FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true`,
    "the local replica",
  );
  if (!row) throw new Error("the local replica answered nothing");
  return {
    running: true,
    inRecovery: row.in_recovery,
    acceptsWrites: !row.in_recovery && row.read_only !== "on",
    timeline: row.timeline ?? row.received_tli ?? server.newestTimeline(),
    receiver: row.status ? { address: row.sender ?? "", status: row.status, timeline: row.received_tli } : null,
  };
}

/**
 * The replica's own configuration: the top-level *.conf files (postgresql.conf
 * and whatever it includes, pg_hba.conf, pg_ident.conf,
 * postgresql.auto.conf). A base backup or pg_rewind brings the primary's,
 * which name its port and its settings, not this replica's.
 */
function keptConfiguration(dataDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dataDir)) {
    const file = path.join(dataDir, name);
    if (name.endsWith(".conf") && statSync(file).isFile()) files.set(name, readFileSync(file));
  }
  return files;
}

async function writeOwned(server: LocalServer, file: string, content: string | Buffer): Promise<void> {
  await fs.writeFile(file, content, { mode: 0o600 });
  const owner = server.owner();
  if (owner) await fs.chown(file, owner.uid, owner.gid);
}

async function restoreConfiguration(server: LocalServer, files: Map<string, Buffer>): Promise<void> {
  for (const [name, content] of files) await writeOwned(server, path.join(server.dataDir, name), content);
}

/**
 * pg_rewind copies what changed on the source since the split and rewinds
 * the rest; it wants the target shut down (and finishes a crash recovery
 * itself when it was not). Returns the bytes it reports copying, null when it did not say.
 */
async function runPgRewind(binary: string, args: Args, { server, replication }: RewindOptions): Promise<number | null> {
  // pg_rewind is of the server's major version (LocalServer.pgRewind), so is its libpq.
  const pairs: (readonly [string, string])[] = [
    ["host", args.host],
    ["port", String(args.port)],
    ["user", replication.user],
    ["dbname", "postgres"],
    ...libpqSecurity(replication, server.majorVersion()),
  ];
  const source = pairs.map(([key, value]) => `${key}=${conninfoValue(value)}`).join(" ");
  const output = await server.run(binary, ["--target-pgdata", server.dataDir, "--source-server", source, "--progress"], PG_REWIND_MS, { PGPASSWORD: replication.password });
  const copied = /need to copy (\d+) MB/.exec(`${output.stdout}\n${output.stderr}`)?.[1];
  return copied ? Number(copied) * 1024 * 1024 : null;
}

/**
 * The backup goes into a new folder next to the data folder while the old
 * server still runs (fenced); only then is the server stopped and the
 * folders swapped. The old folder is kept as `<dataDir>.former` (replacing an
 * older one): writes made after the split are in it, for whoever must look.
 */
async function replaceWithBaseBackup(args: Args, { server, replication, replicaName }: RewindOptions): Promise<{ bytes: number; formerDataKeptAt: string }> {
  const staging = `${server.dataDir}.rewind`;
  const former = `${server.dataDir}.former`;
  const owner = server.owner();
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { mode: 0o700 });
  if (owner) await fs.chown(staging, owner.uid, owner.gid);
  const backup = await takeBaseBackup(
    upstreamOf(args, replication),
    staging,
    owner,
    `switchyard rewind of ${replicaName}`,
    BASE_BACKUP_MS,
  );
  await server.stop();
  await fs.rm(former, { recursive: true, force: true });
  await fs.rename(server.dataDir, former);
  await fs.rename(staging, server.dataDir);
  return { bytes: backup.bytes, formerDataKeptAt: former };
}

async function configureStandby(args: Args, { server, replication, replicaName }: RewindOptions): Promise<void> {
  const autoConf = path.join(server.dataDir, "postgresql.auto.conf");
  const existing = existsSync(autoConf) ? readFileSync(autoConf, "utf8") : "";
  const kept = existing.split("\n").filter((line) => line.trim() && !DROPPED_SETTINGS.test(line));
  const conninfo = primaryConninfo({ host: args.host, port: args.port }, replication, replicaName, server.majorVersion());
  const lines = [...kept, `primary_conninfo = ${confString(conninfo)}`, `primary_slot_name = ${confString(args.slotName ?? "")}`];
  await writeOwned(server, autoConf, `${lines.join("\n")}\n`);
  await fs.rm(path.join(server.dataDir, "recovery.signal"), { force: true });
  await writeOwned(server, path.join(server.dataDir, "standby.signal"), "");
}

/** The timeline it streams on, or why it does not stream. */
async function waitUntilStreaming(args: Args, { server, connectionString }: RewindOptions): Promise<number | string> {
  const deadline = Date.now() + STREAMING_WITHIN_MS;
  let last = "no answer";
  for (;;) {
    try {
      const row = await query<{ status: string | null; received_tli: number | null }>(
        connectionString,
        "SELECT r.status, r.received_tli FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true",
        "the local replica",
      );
      if (row?.status === "streaming" && row.received_tli !== null) return row.received_tli;
      last = `WAL receiver ${row?.status ?? "absent"}`;
    } catch (error) {
      last = errorMessage(error);
    }
    if (Date.now() > deadline) {
      return `started as a standby of ${args.host}:${args.port}, but it was not streaming after ${STREAMING_WITHIN_MS / 1000} s (${last})\n${server.logTail()}`;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
