import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_ARGS, COMMAND_OUTPUTS } from "@/contracts/agent-commands";
import { PostgresExecutor } from "@/agents/commands/postgres-executor";
import { takeBaseBackup } from "@/agents/commands/rewind/base-backup";
import { LocalServer } from "@/agents/commands/rewind/local-server";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import { postgresOsUser } from "@/embedded/run-as";
import { freePort } from "@/server/store/free-port";

/**
 * The rewind command's pg_rewind path, which the npm binaries (PostgreSQL 18
 * without pg_rewind) cannot exercise: Debian's PostgreSQL 15 has it. A
 * standby is built with the agent's own base backup, promoted, the old
 * primary takes a write the new one never sees, and rewind brings it back as
 * a standby without copying the whole folder.
 */
const BIN = "/usr/lib/postgresql/15/bin";
const hasPg15 = existsSync(path.join(BIN, "pg_rewind")) && existsSync(path.join(BIN, "initdb"));
const PASSWORD = randomBytes(12).toString("hex");

interface Node {
  name: string;
  server: LocalServer;
  port: number;
  url: string;
}

let dir: string;
let oldPrimary: Node;
let newPrimary: Node;

async function node(name: string): Promise<Node> {
  const port = await freePort();
  const dataDir = path.join(dir, name);
  mkdirSync(dataDir, { mode: 0o700 });
  const owner = postgresOsUser();
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const server = new LocalServer({ dataDir, binDir: BIN, logFile: path.join(dir, `${name}.log`) });
  return { name, server, port, url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` };
}

function ownedAppend(file: string, text: string): void {
  appendFileSync(file, text);
  const owner = postgresOsUser();
  if (owner) chownSync(file, owner.uid, owner.gid);
}

async function sql<T extends pg.QueryResultRow>(target: Node, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch((error: Error) => error as unknown as T);
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(value instanceof Error ? value.message : JSON.stringify(value))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let nextId = 0;
function command<K extends "fence" | "rewind">(kind: K, args: Record<string, unknown>, replica: string): VerifiedCommand {
  const id = `pg15-${(nextId += 1)}`;
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    kind,
    args: COMMAND_ARGS[kind].parse(args),
    claims: { iss: "switchyard", aud: "agent", jti: id, iat: now, exp: now + 300, kind, args, serviceId: "orders-db", replica, epoch: 1 },
  } as VerifiedCommand;
}

const executorFor = (target: Node) =>
  new PostgresExecutor({
    connectionString: target.url,
    replicaName: target.name,
    replication: { user: "postgres", password: PASSWORD },
    server: { dataDir: target.server.dataDir, binDir: BIN, logFile: target.server.logFile },
    stateDir: null,
  });

beforeAll(async () => {
  if (!hasPg15) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-rewind-pg15-"));
  chmodSync(dir, 0o755);
  [oldPrimary, newPrimary] = [await node("primary"), await node("standby")];
  const pwfile = path.join(dir, "pwfile");
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  await oldPrimary.server.run(path.join(BIN, "initdb"), ["-D", oldPrimary.server.dataDir, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"], 120_000);
  ownedAppend(
    path.join(oldPrimary.server.dataDir, "postgresql.conf"),
    // pg_rewind reads the target's WAL back to the last checkpoint before the split; wal_keep_size keeps it.
    `\nport = ${oldPrimary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nwal_level = replica\nwal_log_hints = on\nhot_standby = on\nwal_keep_size = '256MB'\n`,
  );
  await oldPrimary.server.start();
  await sql(oldPrimary, "CREATE TABLE orders (id int PRIMARY KEY)");
  await sql(oldPrimary, "INSERT INTO orders VALUES (1)");

  // The standby: the agent's own BASE_BACKUP client against PostgreSQL 15, then its own port and upstream.
  await takeBaseBackup({ host: "127.0.0.1", port: oldPrimary.port, user: "postgres", password: PASSWORD }, newPrimary.server.dataDir, newPrimary.server.owner(), "pg15 standby", 60_000);
  ownedAppend(
    path.join(newPrimary.server.dataDir, "postgresql.auto.conf"),
    `port = ${newPrimary.port}\nprimary_conninfo = 'host=127.0.0.1 port=${oldPrimary.port} user=postgres password=${PASSWORD} application_name=standby'\n`,
  );
  ownedAppend(path.join(newPrimary.server.dataDir, "standby.signal"), "");
  await newPrimary.server.start();
  await until(() => sql<{ status: string }>(newPrimary, "SELECT status FROM pg_stat_wal_receiver"), (rows) => rows[0]?.status === "streaming", "the standby to stream");
}, 180_000);

afterAll(async () => {
  if (!hasPg15) return;
  for (const target of [newPrimary, oldPrimary]) if (target) await target.server.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPg15)("rewind with pg_rewind (Debian's PostgreSQL 15)", () => {
  it("rewinds a fenced former primary that wrote after the split, keeping its own configuration", async () => {
    await until(() => sql<{ n: number }>(newPrimary, "SELECT count(*)::int AS n FROM orders"), (rows) => rows[0]?.n === 1, "the first write to replicate");
    await sql(newPrimary, "SELECT pg_promote(true, 30)");
    await sql(newPrimary, "INSERT INTO orders VALUES (2)");
    // The split: the old primary goes on taking a write before it is fenced.
    await sql(oldPrimary, "INSERT INTO orders VALUES (99)");
    expect(await executorFor(oldPrimary).execute(command("fence", {}, "primary"))).toMatchObject({ status: "succeeded" });

    const answer = await executorFor(oldPrimary).execute(command("rewind", { host: "127.0.0.1", port: newPrimary.port, slotName: null }, "primary"));
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: "succeeded", output: { method: "pg_rewind", timeline: 2, formerDataKeptAt: null, note: null } });
    const output = COMMAND_OUTPUTS.rewind.parse(answer.output);
    // What pg_rewind said it copied (changed files and the source's recent WAL).
    expect(output.bytes).toBeGreaterThan(0);

    expect(await sql(oldPrimary, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: newPrimary.port, received_tli: 2 }]);
    expect(await sql(oldPrimary, "SELECT array_agg(id ORDER BY id) AS ids FROM orders")).toEqual([{ ids: [1, 2] }]);
    // Still on its own port: pg_rewind brought the source's configuration files, the agent put its own back.
    expect(await sql(oldPrimary, "SELECT current_setting('port')::int AS port")).toEqual([{ port: oldPrimary.port }]);
  });

  it("falls back to a base backup, and says why, when pg_rewind cannot find the WAL it needs", async () => {
    // Switch back: the rewound replica is promoted (timeline 3); the other one takes a write, is fenced, and loses the WAL pg_rewind would need.
    await sql(oldPrimary, "SELECT pg_promote(true, 30)");
    await sql(newPrimary, "INSERT INTO orders VALUES (98)");
    await sql(newPrimary, "ALTER SYSTEM SET wal_keep_size = 0");
    await sql(newPrimary, "SELECT pg_reload_conf()");
    for (let round = 0; round < 3; round += 1) {
      await sql(newPrimary, "SELECT pg_switch_wal()");
      await sql(newPrimary, "CHECKPOINT");
    }
    expect(await executorFor(newPrimary).execute(command("fence", {}, "standby"))).toMatchObject({ status: "succeeded" });

    const answer = await executorFor(newPrimary).execute(command("rewind", { host: "127.0.0.1", port: oldPrimary.port, slotName: null }, "standby"));
    expect(answer, JSON.stringify(answer)).toMatchObject({
      status: "succeeded",
      output: { method: "base-backup", timeline: 3, formerDataKeptAt: `${newPrimary.server.dataDir}.former`, note: expect.stringMatching(/^pg_rewind failed, so a base backup was taken instead: .*could not/s) },
    });
    expect(await sql(newPrimary, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: oldPrimary.port, received_tli: 3 }]);
    expect(await sql(newPrimary, "SELECT array_agg(id ORDER BY id) AS ids FROM orders")).toEqual([{ ids: [1, 2] }]);
    expect(await sql(newPrimary, "SELECT current_setting('port')::int AS port")).toEqual([{ port: newPrimary.port }]);
  });
});

