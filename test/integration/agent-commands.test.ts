import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_OUTPUTS, type AgentCommandKind } from "@/contracts/agent-commands";
import type { CommandAnswer } from "@/agents/commands/command-ledger";
import { PostgresExecutor } from "@/agents/commands/postgres-executor";
import { LocalServer } from "@/agents/commands/rewind/local-server";
import { REPOINT_SERVER_RULES } from "@/core/agents/repoint-down-server";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import type { LocalServerFolders, ReplicationConfig } from "@/agents/config";
import { postgresBinaries } from "@/embedded/postgres-binaries";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { verifiedCommand } from "../support/verified-command";
import { until } from "../support/until";
import { freePort } from "@/server/store/free-port";

/**
 * The PostgreSQL executor against real streaming replication (PostgreSQL
 * 18): a primary and two standbys cloned from it with the low-level backup
 * API (the npm binaries have no pg_basebackup). The tests run in order and
 * end with a failover: fence the primary, promote standby A, re-point
 * standby B to A.
 */

const PASSWORD = randomBytes(12).toString("hex");
/** A replication password libpq would misread unless primary_conninfo quotes and escapes it. */
const REPLICATION: ReplicationConfig = { user: "replicator", password: `it's a \\ secret host=nowhere ${randomBytes(4).toString("hex")}` };

interface Node {
  name: string;
  dataDir: string;
  port: number;
  url: string;
}

let dir: string;
let primary: Node;
let standbyA: Node;
let standbyB: Node;
const openClients: pg.Client[] = [];

async function node(name: string): Promise<Node> {
  const port = await freePort();
  return { name, dataDir: path.join(dir, name), port, url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` };
}

/** A connection kept open by the test, with the errors the server sent it outside of any query. */
async function connect(target: Node): Promise<{ client: pg.Client; errors: (Error & { code?: string })[] }> {
  const client = new pg.Client({ connectionString: target.url });
  const errors: Error[] = [];
  client.on("error", (error) => errors.push(error));
  await client.connect();
  openClients.push(client);
  return { client, errors };
}

async function sql<T extends pg.QueryResultRow>(target: Node, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function sqlError(target: Node, text: string): Promise<{ code?: string; message: string }> {
  try {
    await sql(target, text);
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error(`${text} succeeded on ${target.name}`);
}

const currentLsn = async (target: Node) => (await sql<{ lsn: string }>(target, "SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn"))[0]!.lsn;
/**
 * The records a client's write leaves (heap changes, commits and aborts)
 * after `lsn`. Reads write WAL too (hint-bit page images, pruning on access),
 * and so does the background writer (standby snapshots); none of that is a
 * client's write.
 */
async function writesSince(target: Node, lsn: string): Promise<string[]> {
  const [{ end } = { end: "" }] = await sql<{ end: string }>(target, "SELECT (pg_current_wal_insert_lsn() - '0/0')::text AS end");
  // pg_get_wal_records_info fails on an empty range.
  if (end === lsn) return [];
  const rows = await sql<{ record: string }>(
    target,
    `SELECT resource_manager || '/' || record_type AS record
     FROM pg_get_wal_records_info('0/0'::pg_lsn + $1::numeric, pg_current_wal_insert_lsn())
     WHERE resource_manager IN ('Heap', 'Transaction')`,
    [lsn],
  );
  return rows.map((row) => row.record);
}
const replayLsn = async (target: Node) => (await sql<{ lsn: string | null }>(target, "SELECT (pg_last_wal_replay_lsn() - '0/0')::text AS lsn"))[0]!.lsn;

/** A file PostgreSQL's OS user owns, as the server expects inside its data folder. */
function writeOwned(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  const user = postgresOsUser();
  if (user) chownSync(file, user.uid, user.gid);
}

async function cloneStandby(standby: Node, slot: string): Promise<void> {
  const { client } = await connect(primary);
  await client.query("SELECT pg_create_physical_replication_slot($1)", [slot]);
  await client.query("SELECT pg_backup_start($1, true)", [`clone ${standby.name}`]);
  execFileSync("cp", ["-a", primary.dataDir, standby.dataDir]);
  const [stop] = (await client.query<{ labelfile: string; spcmapfile: string }>("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")).rows;
  writeOwned(path.join(standby.dataDir, "backup_label"), stop!.labelfile);
  if (stop!.spcmapfile) writeOwned(path.join(standby.dataDir, "tablespace_map"), stop!.spcmapfile);
  rmSync(path.join(standby.dataDir, "postmaster.pid"), { force: true });
  for (const folder of ["pg_wal", "pg_replslot"]) {
    for (const entry of readdirSync(path.join(standby.dataDir, folder))) {
      const full = path.join(standby.dataDir, folder, entry);
      if (folder === "pg_replslot" || statSync(full).isFile()) rmSync(full, { recursive: true, force: true });
    }
  }
  writeOwned(path.join(standby.dataDir, "standby.signal"), "");
  await startCluster(
    {
      dataDir: standby.dataDir,
      port: standby.port,
      settings: { primary_conninfo: `host=127.0.0.1 port=${primary.port} user=postgres password=${PASSWORD} application_name=${standby.name}`, primary_slot_name: slot },
    },
    path.join(dir, `${standby.name}.log`),
  );
}

function executorFor(target: Node, replication: ReplicationConfig | null = REPLICATION, server: LocalServerFolders | null = null): PostgresExecutor {
  return new PostgresExecutor({ connectionString: target.url, replicaName: target.name, replication, server, stateDir: stateDirOf(target) });
}

/** The agent's state folder for `target`, where its executor remembers a rebuild that began. */
function stateDirOf(target: Node): string {
  const stateDir = path.join(dir, `${target.name}-agent-state`);
  mkdirSync(stateDir, { recursive: true });
  return stateDir;
}

async function serverOf(target: Node): Promise<LocalServerFolders> {
  return { dataDir: target.dataDir, binDir: path.dirname((await postgresBinaries()).pg_ctl), logFile: path.join(dir, `${target.name}.log`) };
}

/** A command as verification would hand it over, for orders-db. */
function command<K extends AgentCommandKind>(kind: K, args: Record<string, unknown> = {}, replica = "any"): VerifiedCommand {
  return verifiedCommand(kind, args, { serviceId: "orders-db", replica });
}

async function run<K extends AgentCommandKind>(target: Node, kind: K, args: Record<string, unknown> = {}, replication?: ReplicationConfig | null): Promise<CommandAnswer> {
  const answer = await executorFor(target, replication).execute(command(kind, args, target.name));
  if (answer.status === "succeeded") expect(COMMAND_OUTPUTS[kind].safeParse(answer.output).success, JSON.stringify(answer.output)).toBe(true);
  return answer;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-commands-"));
  // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
  chmodSync(dir, 0o755);
  [primary, standbyA, standbyB] = [await node("primary"), await node("standby_a"), await node("standby_b")];
  await initCluster(primary.dataDir, PASSWORD);
  await startCluster({ dataDir: primary.dataDir, port: primary.port }, path.join(dir, "primary.log"));
  await sql(primary, `CREATE ROLE replicator LOGIN REPLICATION PASSWORD ${pg.escapeLiteral(REPLICATION.password)}`);
  await sql(primary, "CREATE TABLE orders (id int PRIMARY KEY)");
  await sql(primary, "CREATE EXTENSION pg_walinspect");
  await cloneStandby(standbyA, "standby_a_slot");
  await cloneStandby(standbyB, "standby_b_slot");
  for (const standby of [standbyA, standbyB]) {
    await until(`${standby.name} to stream`, () => sql<{ status: string }>(standby, "SELECT status FROM pg_stat_wal_receiver"), (rows) => rows[0]?.status === "streaming", 20_000, 100);
  }
});

afterAll(async () => {
  await Promise.all(openClients.map((client) => client.end().catch(() => {})));
  for (const target of [standbyB, standbyA, primary]) if (target) await stopCluster(target.dataDir, "immediate").catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe("PostgresExecutor on streaming replication (PostgreSQL 18)", () => {
  it("verify-write: the primary accepts a client's write, a standby refuses it, and a mismatch with expect fails", async () => {
    expect(await run(primary, "verify-write", { expect: "accepted" })).toEqual({ status: "succeeded", output: { accepted: true, error: null }, error: null });
    expect(await sql(primary, "SELECT count(*)::int AS n FROM switchyard_write_probe")).toEqual([{ n: 1 }]);
    expect(await run(primary, "verify-write", { expect: "refused" })).toEqual({
      status: "failed",
      output: { accepted: true, error: null },
      error: "the write was expected to be refused, but it was accepted",
    });
    // Each write replaces the previous one: the table never grows.
    expect(await sql(primary, "SELECT count(*)::int AS n FROM switchyard_write_probe")).toEqual([{ n: 1 }]);

    const onStandby = await run(standbyA, "verify-write", { expect: "refused" });
    expect(onStandby).toMatchObject({ status: "succeeded", output: { accepted: false, error: expect.stringMatching(/read-only transaction/) } });
    expect(await run(standbyA, "verify-write", { expect: "accepted" })).toMatchObject({
      status: "failed",
      output: { accepted: false },
      error: expect.stringMatching(/^the write was expected to be accepted, but it was refused: cannot execute .* in a read-only transaction/),
    });
  });

  it("checkpoint: the current position on the primary, the replayed one on a standby", async () => {
    const onPrimary = await run(primary, "checkpoint");
    expect(onPrimary.status).toBe("succeeded");
    expect(BigInt(String(onPrimary.output!.lsn))).toBeLessThanOrEqual(BigInt(await currentLsn(primary)));
    const onStandby = await run(standbyA, "checkpoint");
    expect(onStandby.status).toBe("succeeded");
    expect(BigInt(String(onStandby.output!.lsn))).toBeLessThanOrEqual(BigInt((await replayLsn(standbyA))!));
  });

  it("sync-standbys: names the listed standbys that stream, in the given order, and a standby refuses it", async () => {
    const named = await run(primary, "sync-standbys", { names: ["not-connected", standbyB.name, standbyA.name] });
    expect(named).toEqual({ status: "succeeded", output: { synchronousStandbyNames: `FIRST 1 ("${standbyB.name}", "${standbyA.name}")`, streaming: [standbyB.name, standbyA.name] }, error: null });
    expect(await sql(primary, "SELECT application_name, sync_state FROM pg_stat_replication ORDER BY application_name")).toEqual([
      { application_name: standbyA.name, sync_state: "potential" },
      { application_name: standbyB.name, sync_state: "sync" },
    ]);
    // None streaming: commits stop waiting rather than block.
    expect((await run(primary, "sync-standbys", { names: ["not-connected"] })).output).toEqual({ synchronousStandbyNames: "", streaming: [] });
    expect(await run(standbyA, "sync-standbys", { names: [] })).toMatchObject({ status: "refused" });
  });

  it("refuses to promote or re-point a primary, and to re-point without replication credentials", async () => {
    expect(await run(primary, "promote", { waitSeconds: 5 })).toEqual({ status: "refused", output: null, error: "primary is already a primary; only a standby can be promoted" });
    expect(await run(primary, "repoint", { host: "127.0.0.1", port: standbyA.port, slotName: null })).toEqual({
      status: "refused",
      output: null,
      error: "primary is a primary; only a standby can be re-pointed",
    });
    expect(await run(standbyB, "repoint", { host: "127.0.0.1", port: standbyA.port, slotName: null }, null)).toMatchObject({
      status: "refused",
      error: expect.stringMatching(/no replication credentials/),
    });
  });

  it("fence: new writes refused, open sessions ended, finalLsn the primary's last position; unfence undoes it", async () => {
    const { client: early, errors: earlyErrors } = await connect(primary);
    await early.query("BEGIN");
    await early.query("INSERT INTO orders VALUES (1)");

    const fenced = await run(primary, "fence");
    expect(fenced.status).toBe("succeeded");
    expect(fenced.output!.terminatedSessions).toBeGreaterThanOrEqual(1);
    // The session open before the fence is gone, and its transaction with it.
    await until("the early session to hear it was terminated", async () => earlyErrors.map((error) => error.code), (codes) => codes.includes("57P01"), 20_000, 100);
    await expect(early.query("INSERT INTO orders VALUES (2)")).rejects.toThrow();
    expect(await sql(primary, "SELECT count(*)::int AS n FROM orders")).toEqual([{ n: 0 }]);
    // A client's write in default transaction mode is refused.
    expect(await sqlError(primary, "INSERT INTO orders VALUES (3)")).toMatchObject({ code: "25006" });
    expect(await run(primary, "verify-write", { expect: "refused" })).toMatchObject({ status: "succeeded", output: { accepted: false } });
    // finalLsn is the end of the WAL: no write lands after it (not even the abort of the open transaction), and standbys reach it.
    const finalLsn = String(fenced.output!.finalLsn);
    await until("the primary to write out its WAL", () => currentLsn(primary), (lsn) => BigInt(lsn) >= BigInt(finalLsn), 20_000, 100);
    expect(await writesSince(primary, finalLsn)).toEqual([]);
    for (const standby of [standbyA, standbyB]) {
      await until(`${standby.name} to replay up to finalLsn`, () => replayLsn(standby), (lsn) => lsn !== null && BigInt(lsn) >= BigInt(finalLsn), 20_000, 100);
    }
    // Fencing a fenced primary again is harmless.
    expect(await run(primary, "fence", { terminateSessions: false })).toMatchObject({ status: "succeeded", output: { terminatedSessions: 0 } });

    expect(await run(primary, "unfence")).toEqual({ status: "succeeded", output: {}, error: null });
    await sql(primary, "INSERT INTO orders VALUES (4)");
    expect(await run(primary, "verify-write", { expect: "accepted" })).toMatchObject({ status: "succeeded", output: { accepted: true } });
  });

  it("fence on a standby: already read-only, it reports the position it replayed", async () => {
    const fenced = await run(standbyA, "fence");
    expect(fenced).toMatchObject({ status: "succeeded", output: { terminatedSessions: 0 } });
    expect(BigInt(String(fenced.output!.finalLsn))).toBeLessThanOrEqual(BigInt((await replayLsn(standbyA))!));
  });

  it("failover: fence the primary, promote standby A (which takes writes on timeline 2), re-point standby B to A", async () => {
    await sql(primary, "INSERT INTO orders VALUES (5)");
    // Pages A replays dirty and the server's own checkpoint after the promotion writes out over minutes, a nap between pages.
    await sql(primary, "CREATE TABLE ballast AS SELECT n, repeat('x', 100) AS pad FROM generate_series(1, 50000) n");
    const fenced = await run(primary, "fence");
    expect(fenced.status).toBe("succeeded");
    const finalLsn = BigInt(String(fenced.output!.finalLsn));
    for (const standby of [standbyA, standbyB]) {
      await until(`${standby.name} to replay up to finalLsn`, () => replayLsn(standby), (lsn) => lsn !== null && BigInt(lsn) >= finalLsn, 20_000, 100);
    }
    // As if A had been cloned from a fenced primary: postgresql.auto.conf is copied, not replicated.
    await sql(standbyA, "ALTER SYSTEM SET default_transaction_read_only = on");
    await sql(standbyA, "SELECT pg_reload_conf()");

    const promoted = await run(standbyA, "promote", { waitSeconds: 30 });
    expect(promoted).toMatchObject({ status: "succeeded", output: { timeline: 2 } });
    expect(BigInt(String(promoted.output!.lsn))).toBeGreaterThanOrEqual(finalLsn);
    // pg_rewind reads its source's timeline from the control file: the agent's immediate checkpoint puts the new one there.
    await until(
      "A's control file to name timeline 2",
      () => sql<{ timeline: number }>(standbyA, "SELECT (pg_control_checkpoint()).timeline_id AS timeline"),
      (rows) => rows[0]?.timeline === 2,
      20_000,
      100,
    );
    await sql(standbyA, "INSERT INTO orders VALUES (6)");
    expect(await sql(standbyA, "SELECT array_agg(id ORDER BY id) AS ids FROM orders")).toEqual([{ ids: [4, 5, 6] }]);
    expect(await run(standbyA, "promote", { waitSeconds: 5 })).toMatchObject({ status: "refused" });

    await sql(standbyA, "SELECT pg_create_physical_replication_slot('standby_b_on_a')");
    const repointed = await run(standbyB, "repoint", { host: "127.0.0.1", port: standbyA.port, slotName: "standby_b_on_a" });
    expect(repointed).toEqual({ status: "succeeded", output: { primaryHost: "127.0.0.1", primaryPort: standbyA.port, slotName: "standby_b_on_a", rebuilt: null }, error: null });
    const receiver = await until(
      "standby B to stream from A on timeline 2",
      () => sql<{ status: string; sender_port: number; slot_name: string; received_tli: number }>(standbyB, "SELECT status, sender_port, slot_name, received_tli FROM pg_stat_wal_receiver"),
      (rows) => rows[0]?.status === "streaming" && rows[0].sender_port === standbyA.port && rows[0].received_tli === 2,
      20_000,
      100,
    );
    expect(receiver[0]).toMatchObject({ slot_name: "standby_b_on_a" });
    // A sees B under its replica name, connected as the replication user from the agent config.
    expect(await sql(standbyA, "SELECT application_name, usename FROM pg_stat_replication")).toEqual([{ application_name: "standby_b", usename: "replicator" }]);
    await sql(standbyA, "INSERT INTO orders VALUES (7)");
    await until("the write on A to reach B", () => sql<{ n: number }>(standbyB, "SELECT count(*)::int AS n FROM orders WHERE id = 7"), (rows) => rows[0]?.n === 1, 20_000, 100);
  });

  it("rewind: the fenced former primary becomes a standby of A on timeline 2 by a base backup, losing what it wrote after the split", async () => {
    // A write the fenced primary took after the split (a session may override the read-only default): it must not survive.
    const { client } = await connect(primary);
    await client.query("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
    await client.query("INSERT INTO orders VALUES (99)");
    await client.end();

    const args = { host: "127.0.0.1", port: standbyA.port, slotName: null };
    const executor = executorFor(primary, REPLICATION, await serverOf(primary));
    const answer = await executor.execute(command("rewind", args, primary.name));
    expect(answer, JSON.stringify(answer)).toMatchObject({
      status: "succeeded",
      // The npm binaries have no pg_rewind.
      output: { method: "base-backup", timeline: 2, formerDataKeptAt: `${primary.dataDir}.former`, note: null },
    });
    expect(COMMAND_OUTPUTS.rewind.parse(answer.output).bytes).toBeGreaterThan(1024 * 1024);

    expect(await sql(primary, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: standbyA.port, received_tli: 2 }]);
    await sql(standbyA, "INSERT INTO orders VALUES (8)");
    await until("A's write to reach the former primary", () => sql<{ ids: number[] }>(primary, "SELECT array_agg(id ORDER BY id) AS ids FROM orders"), (rows) => rows[0]?.ids.includes(8) === true, 20_000, 100);
    expect(await sql(primary, "SELECT array_agg(id ORDER BY id) AS ids FROM orders")).toEqual([{ ids: [4, 5, 6, 7, 8] }]);
    expect(await run(primary, "verify-write", { expect: "refused" })).toMatchObject({ status: "succeeded", output: { accepted: false } });
    // It kept its own configuration (port, authentication) and streams as itself, with the credentials of the agent config.
    expect(await sql(standbyA, "SELECT application_name, usename FROM pg_stat_replication ORDER BY application_name")).toEqual([
      { application_name: "primary", usename: "replicator" },
      { application_name: "standby_b", usename: "replicator" },
    ]);
    // The discarded folder is still there for whoever must look at the lost write.
    expect(readdirSync(`${primary.dataDir}.former`)).toContain("PG_VERSION");

    // Asked again, it sees it already follows A and changes nothing.
    expect(await executor.execute(command("rewind", args, primary.name))).toMatchObject({ status: "succeeded", output: { method: "following", timeline: 2, bytes: 0 } });
  });

  it("rewind refuses to follow a standby, to discard a primary that takes writes, and to run without a server section", async () => {
    const standbyAsSource = await executorFor(primary, REPLICATION, await serverOf(primary)).execute(command("rewind", { host: "127.0.0.1", port: standbyB.port, slotName: null }, primary.name));
    expect(standbyAsSource).toEqual({ status: "refused", output: null, error: `127.0.0.1:${standbyB.port} is a standby; primary can only be made to follow a primary` });

    const writablePrimary = await executorFor(standbyA, REPLICATION, await serverOf(standbyA)).execute(command("rewind", { host: "127.0.0.1", port: standbyA.port, slotName: null }, standbyA.name));
    expect(writablePrimary).toEqual({ status: "refused", output: null, error: "standby_a is a primary that still accepts writes: fence it before its history is discarded" });

    expect(await run(primary, "rewind", { host: "127.0.0.1", port: standbyA.port, slotName: null })).toMatchObject({ status: "refused", error: expect.stringContaining("no server section") });
    // Nothing changed: A still takes writes and the former primary still streams from it.
    await sql(standbyA, "INSERT INTO orders VALUES (9)");
    expect(await sql(primary, "SELECT status FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming" }]);
  });

  it("repoint rebuilds a standby that went past the new primary's fork (it streamed on from the old one), and says why", async () => {
    // The former primary, now A's standby, stops receiving; A writes on, and B, still A's standby, gets it.
    await sql(primary, "ALTER SYSTEM SET primary_conninfo = ''");
    await sql(primary, "SELECT pg_reload_conf()");
    await until("the former primary to stop receiving", () => sql(primary, "SELECT 1 FROM pg_stat_wal_receiver"), (rows) => rows.length === 0, 20_000, 100);
    await sql(standbyA, "INSERT INTO orders VALUES (10)");
    await until("A's write to reach B", () => sql<{ n: number }>(standbyB, "SELECT count(*)::int AS n FROM orders WHERE id = 10"), (rows) => rows[0]?.n === 1, 20_000, 100);
    // The former primary is promoted from where it stopped: B holds WAL its new timeline never had.
    expect(await run(primary, "promote", { waitSeconds: 30 })).toMatchObject({ status: "succeeded", output: { timeline: 3 } });
    await sql(standbyA, "ALTER SYSTEM SET default_transaction_read_only = on");
    await sql(standbyA, "SELECT pg_reload_conf()");

    const args = { host: "127.0.0.1", port: primary.port, slotName: null };
    const withoutServer = await run(standbyB, "repoint", args);
    expect(withoutServer).toMatchObject({ status: "failed", error: expect.stringMatching(/^standby_b cannot follow 127\.0\.0\.1:\d+: it holds WAL up to \d+ on timeline 2, past \d+ where the primary's timeline 3 forked from it; it needs a rewind/) });

    const repointed = await executorFor(standbyB, REPLICATION, await serverOf(standbyB)).execute(command("repoint", args, standbyB.name));
    expect(repointed, JSON.stringify(repointed)).toMatchObject({
      status: "succeeded",
      output: { primaryHost: "127.0.0.1", primaryPort: primary.port, rebuilt: { method: "base-backup", reason: expect.stringContaining("where the primary's timeline 3 forked from it") } },
    });
    expect(await sql(standbyB, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: primary.port, received_tli: 3 }]);
    // The write the new primary never had is gone from B; the new primary's writes arrive.
    await sql(primary, "INSERT INTO orders VALUES (11)");
    await until("the new primary's write to reach B", () => sql<{ ids: number[] }>(standbyB, "SELECT array_agg(id ORDER BY id) AS ids FROM orders"), (rows) => rows[0]?.ids.includes(11) === true, 20_000, 100);
    expect((await sql<{ ids: number[] }>(standbyB, "SELECT array_agg(id ORDER BY id) AS ids FROM orders"))[0]!.ids).not.toContain(10);
  });

  it("repoint fails at once on a standby someone stopped, and rebuilds again one its own unfinished rebuild left down", async () => {
    const server = new LocalServer(await serverOf(standbyB));
    const executor = executorFor(standbyB, REPLICATION, await serverOf(standbyB));
    const toPrimary = { host: "127.0.0.1", port: primary.port, slotName: null };
    const marker = path.join(stateDirOf(standbyB), "rebuild-unfinished.json");

    await server.stop();
    const stopped = await executor.execute(command("repoint", toPrimary, standbyB.name));
    expect(stopped).toEqual({ status: "failed", output: null, error: `standby_b: ${REPOINT_SERVER_RULES.find((rule) => rule.id === "stopped-by-someone-else")!.sentence} (no postmaster runs on ${standbyB.dataDir})` });
    expect(server.isRunning()).toBe(false);
    await server.start();

    // A rebuild that fails once it has stopped the server: the configuration it keeps cannot start one.
    const autoConf = path.join(standbyB.dataDir, "postgresql.auto.conf");
    const goodConf = readFileSync(autoConf, "utf8");
    writeOwned(autoConf, `${goodConf}shared_buffers = 'not a size'\n`);
    await expect(executor.execute(command("rewind", { host: "127.0.0.1", port: standbyA.port, slotName: null }, standbyB.name))).rejects.toThrow(/shared_buffers/);
    expect(server.isRunning()).toBe(false);
    expect(JSON.parse(readFileSync(marker, "utf8"))).toMatchObject({ primary: `127.0.0.1:${standbyA.port}` });

    writeOwned(autoConf, readFileSync(autoConf, "utf8").replace("shared_buffers = 'not a size'\n", ""));
    const rebuilt = await executor.execute(command("repoint", toPrimary, standbyB.name));
    expect(rebuilt, JSON.stringify(rebuilt)).toMatchObject({
      status: "succeeded",
      output: { primaryHost: "127.0.0.1", primaryPort: primary.port, rebuilt: { method: "base-backup", reason: expect.stringMatching(new RegExp(`^its server was down after a rebuild to follow 127\\.0\\.0\\.1:${standbyA.port} \\(begun .+\\) did not finish$`)) } },
    });
    expect(await sql(standbyB, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: primary.port, received_tli: 3 }]);
    expect(existsSync(marker)).toBe(false);
  });
});
