import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScriptRunner } from "@/agents/commands/script-runner";
import { refused } from "@/agents/commands/command-executor";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import { postgresOsUser } from "@/embedded/run-as";
import { freePort } from "@/server/store/free-port";
import { DebianPg15Cluster, type Pg15Server } from "../support/debian-pg15-cluster";

/**
 * The PgBouncer example hook (runbooks/hooks/pgbouncer-repoint.sh), run the
 * way an agent runs it (its ScriptRunner, argv only), against Debian's
 * pgbouncer in front of two real PostgreSQL 15 servers: after the script,
 * new connections through PgBouncer reach the other server.
 * `npm run test:integration` installs pgbouncer first (scripts/ensure-pgbouncer.sh).
 */

const PGBOUNCER = "/usr/sbin/pgbouncer";
const SCRIPT = path.resolve("runbooks/hooks/pgbouncer-repoint.sh");
const roles = {
  superuser: { user: "postgres", password: "bouncer-super" },
  monitor: { user: "monitor", password: "bouncer-monitor" },
  replication: { user: "replicator", password: "bouncer-repl" },
  app: { user: "app", password: "bouncer-app" },
};

let cluster: DebianPg15Cluster;
let old: Pg15Server;
let next: Pg15Server;
let bouncerPort: number;
let files: { ini: string; databases: string; pid: string; log: string };
let runner: ScriptRunner;

const asPostgres = (file: string) => {
  const owner = postgresOsUser();
  if (owner) chownSync(file, owner.uid, owner.gid);
};

/** Which server a new connection through PgBouncer lands on. */
async function landsOn(): Promise<string> {
  const client = new pg.Client({ host: "127.0.0.1", port: bouncerPort, database: "orders", user: "app", password: "unused", connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT name FROM whoami")).rows[0]!.name;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const scriptCommand = (argv: string[]) => ({ id: "c1", kind: "script", args: { name: "pgbouncer-repoint", argv, timeoutSeconds: 30 }, claims: {} }) as unknown as VerifiedCommand;

beforeAll(async () => {
  if (!existsSync(PGBOUNCER)) throw new Error(`${PGBOUNCER} is missing: run scripts/ensure-pgbouncer.sh (npm run test:integration runs it first), or apt-get install pgbouncer`);
  cluster = DebianPg15Cluster.create("orders", roles);
  old = await cluster.startPrimary("pg-old");
  next = await cluster.startPrimary("pg-new");
  for (const server of [old, next]) {
    await cluster.sql(server, "CREATE TABLE whoami (name text)");
    await cluster.sql(server, "INSERT INTO whoami VALUES ($1)", [server.name]);
    await cluster.sql(server, "GRANT SELECT ON whoami TO app");
  }
  bouncerPort = await freePort();
  // PgBouncer writes its pid and log files here, as the user it runs as.
  const folder = path.join(cluster.dir, "pgbouncer");
  mkdirSync(folder);
  asPostgres(folder);
  files = {
    ini: path.join(folder, "pgbouncer.ini"),
    databases: path.join(folder, "databases.ini"),
    pid: path.join(folder, "pgbouncer.pid"),
    log: path.join(folder, "pgbouncer.log"),
  };
  const options = `user=app password=${roles.app.password}`;
  writeFileSync(files.databases, `[databases]\norders = host=127.0.0.1 port=${old.port} dbname=orders ${options}\n`, { mode: 0o644 });
  writeFileSync(
    files.ini,
    [
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${bouncerPort}`,
      "unix_socket_dir =",
      "auth_type = any",
      "pool_mode = session",
      `pidfile = ${files.pid}`,
      `logfile = ${files.log}`,
      `%include ${files.databases}`,
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root: as root it runs as the postgres OS user, which owns the cluster's folder.
  asPostgres(files.ini);
  const command = postgresOsUser() ? ["runuser", ["-u", "postgres", "--", PGBOUNCER, "-d", files.ini]] : [PGBOUNCER, ["-d", files.ini]];
  execFileSync(command[0] as string, command[1] as string[], { stdio: "pipe" });
  // -d returns once it has forked; the pid file says it is up.
  for (let tries = 0; !existsSync(files.pid) && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!existsSync(files.pid)) throw new Error(`PgBouncer did not start: ${existsSync(files.log) ? readFileSync(files.log, "utf8") : "no log"}`);
  runner = new ScriptRunner(
    { "pgbouncer-repoint": { path: SCRIPT, timeoutSeconds: 30, env: { PGBOUNCER_DATABASES_FILE: files.databases, PGBOUNCER_PIDFILE: files.pid, PGBOUNCER_DATABASES: "orders", PGBOUNCER_DATABASE_OPTIONS: options } } },
    { execute: async () => refused("not a script") },
  );
}, 240_000);

afterAll(async () => {
  if (files && existsSync(files.pid)) {
    try {
      process.kill(Number(readFileSync(files.pid, "utf8").trim()), "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  await cluster?.stop();
});

describe("the PgBouncer example hook", () => {
  it("points PgBouncer at the new primary: new connections land there", async () => {
    expect(await landsOn()).toBe("pg-old");
    const answer = await runner.execute(scriptCommand(["--host=127.0.0.1", `--port=${next.port}`]));
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: "succeeded", output: { exitCode: 0, stdout: expect.stringMatching(/now sends every database to 127\.0\.0\.1:\d+\n$/) } });
    expect(readFileSync(files.databases, "utf8").split("\n").slice(1)).toEqual([
      "[databases]",
      `orders = host=127.0.0.1 port=${next.port} dbname=orders user=app password=${roles.app.password}`,
      "",
    ]);
    // PgBouncer reloads on SIGHUP after the script returns: wait for it, bounded.
    let landed = await landsOn();
    for (let tries = 0; landed !== "pg-new" && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      landed = await landsOn();
    }
    expect(landed).toBe("pg-new");
  });

  it("refuses an argument that is not a host or a port, leaving the configuration as it was", async () => {
    const before = readFileSync(files.databases, "utf8");
    expect(await runner.execute(scriptCommand(["--host=127.0.0.1 dbname=postgres", `--port=${old.port}`]))).toMatchObject({
      status: "failed",
      error: "script pgbouncer-repoint exited with 2: refusing host '127.0.0.1 dbname=postgres': expected a host name or an IP address",
    });
    expect(await runner.execute(scriptCommand(["--host=127.0.0.1", "--port=99999"]))).toMatchObject({ status: "failed", error: expect.stringMatching(/out of range$/) });
    expect(readFileSync(files.databases, "utf8")).toBe(before);
  });
});
