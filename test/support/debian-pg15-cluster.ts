import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { LocalServer } from "@/agents/commands/rewind/local-server";
import { killCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { freePort } from "@/server/store/free-port";

/** Where Debian's postgresql-15 package puts its server binaries. */
export const PG15_BIN = "/usr/lib/postgresql/15/bin";
const NEEDED = ["initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind"];

/**
 * Throws, naming what is missing and how to install it, when Debian's
 * PostgreSQL 15 is not on this machine: a test that needs it must fail, not
 * skip (`npm run test:integration` installs it first).
 */
export function requireDebianPg15(): void {
  const missing = NEEDED.filter((name) => !existsSync(path.join(PG15_BIN, name)));
  if (missing.length > 0) {
    throw new Error(
      `Debian's PostgreSQL 15 is not installed: ${missing.map((name) => path.join(PG15_BIN, name)).join(", ")} missing. ` +
        "Run scripts/ensure-postgresql-15.sh (npm run test:integration runs it first), or apt-get install postgresql-15.",
    );
  }
}

export interface Pg15Server {
  name: string;
  port: number;
  dataDir: string;
  logFile: string;
  server: LocalServer;
}

export interface Pg15Roles {
  superuser: { user: string; password: string };
  monitor: { user: string; password: string };
  replication: { user: string; password: string };
  app: { user: string; password: string };
}

/**
 * A PostgreSQL 15 cluster as its owner would build it by hand with Debian's
 * binaries, none of Switchyard's code involved: initdb, a few roles,
 * standbys cloned with pg_basebackup -R (each with its own replication slot
 * and application_name), on free ports under one temporary folder. As root,
 * every binary runs as the `postgres` OS user.
 */
export class DebianPg15Cluster {
  readonly servers: Pg15Server[] = [];

  private constructor(
    readonly dir: string,
    readonly database: string,
    readonly roles: Pg15Roles,
  ) {}

  static create(database: string, roles: Pg15Roles): DebianPg15Cluster {
    requireDebianPg15();
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-byo-pg15-"));
    // mkdtemp makes the folder private; the postgres OS user must reach into it.
    chmodSync(dir, 0o755);
    return new DebianPg15Cluster(dir, database, roles);
  }

  url(server: Pg15Server, role: keyof Pg15Roles = "superuser", database = this.database): string {
    const { user, password } = this.roles[role];
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${database}`;
  }

  async sql<T extends pg.QueryResultRow>(server: Pg15Server, text: string, values: unknown[] = [], database = this.database): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(server, "superuser", database), connectionTimeoutMillis: 5_000 });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async folder(name: string): Promise<Pg15Server> {
    const dataDir = path.join(this.dir, name);
    mkdirSync(dataDir, { mode: 0o700 });
    const owner = postgresOsUser();
    if (owner) chownSync(dataDir, owner.uid, owner.gid);
    const logFile = path.join(this.dir, `${name}.log`);
    const server: Pg15Server = { name, port: await freePort(), dataDir, logFile, server: new LocalServer({ dataDir, binDir: PG15_BIN, logFile }) };
    this.servers.push(server);
    return server;
  }

  private ownedAppend(file: string, text: string): void {
    appendFileSync(file, text);
    const owner = postgresOsUser();
    if (owner) chownSync(file, owner.uid, owner.gid);
  }

  /**
   * The primary: scram everywhere, streaming replication with room for
   * three standbys, wal_log_hints for pg_rewind and enough WAL kept for a
   * standby that streams without a slot (after a switchover). Its roles: a
   * monitoring role (pg_monitor), a replication role that pg_rewind may also
   * use (the grants its documentation lists), and the application's role
   * owning the application's database.
   */
  async startPrimary(name: string): Promise<Pg15Server> {
    const primary = await this.folder(name);
    const pwfile = path.join(this.dir, "pwfile");
    writeFileSync(pwfile, `${this.roles.superuser.password}\n`, { mode: 0o644 });
    await primary.server.run(
      path.join(PG15_BIN, "initdb"),
      ["-D", primary.dataDir, "-U", this.roles.superuser.user, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"],
      120_000,
    );
    rmSync(pwfile);
    this.ownedAppend(
      path.join(primary.dataDir, "postgresql.conf"),
      [
        "",
        `port = ${primary.port}`,
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "hot_standby = on",
        "hot_standby_feedback = on",
        "wal_log_hints = on",
        "wal_keep_size = '256MB'",
        "shared_buffers = '32MB'",
        "",
      ].join("\n"),
    );
    await primary.server.start();
    const { monitor, replication, app } = this.roles;
    const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
    await this.sql(primary, `CREATE ROLE ${monitor.user} LOGIN PASSWORD ${literal(monitor.password)} IN ROLE pg_monitor`, [], "postgres");
    await this.sql(primary, `CREATE ROLE ${replication.user} LOGIN REPLICATION PASSWORD ${literal(replication.password)}`, [], "postgres");
    for (const grant of [
      "pg_catalog.pg_ls_dir(text, boolean, boolean)",
      "pg_catalog.pg_stat_file(text, boolean)",
      "pg_catalog.pg_read_binary_file(text)",
      "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)",
    ]) {
      await this.sql(primary, `GRANT EXECUTE ON FUNCTION ${grant} TO ${replication.user}`, [], "postgres");
    }
    await this.sql(primary, `CREATE ROLE ${app.user} LOGIN PASSWORD ${literal(app.password)}`, [], "postgres");
    await this.sql(primary, `CREATE DATABASE ${this.database} OWNER ${app.user}`, [], "postgres");
    return primary;
  }

  /** A standby cloned with `pg_basebackup -R -C -S`, streaming from `upstream` as `name`. */
  async startStandby(name: string, upstream: Pg15Server): Promise<Pg15Server> {
    const standby = await this.folder(name);
    const slot = name.replace(/[^a-z0-9_]/g, "_");
    const conninfo = `host=127.0.0.1 port=${upstream.port} user=${this.roles.replication.user} application_name=${name}`;
    await standby.server.run(
      path.join(PG15_BIN, "pg_basebackup"),
      ["-D", standby.dataDir, "-d", conninfo, "-R", "-X", "stream", "-C", "-S", slot, "-c", "fast"],
      180_000,
      { PGPASSWORD: this.roles.replication.password },
    );
    this.ownedAppend(path.join(standby.dataDir, "postgresql.auto.conf"), `port = ${standby.port}\n`);
    await standby.server.start();
    return standby;
  }

  /** Waits until `names` stream from `primary`. */
  async streaming(primary: Pg15Server, names: string[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let rows: { application_name: string; state: string }[] = [];
    for (;;) {
      rows = await this.sql<{ application_name: string; state: string }>(primary, "SELECT application_name, state FROM pg_stat_replication", [], "postgres");
      if (names.every((name) => rows.some((row) => row.application_name === name && row.state === "streaming"))) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${names.join(", ")} to stream from ${primary.name}: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGKILL of the postmaster and its children: the server is gone, no shutdown checkpoint. */
  async kill(server: Pg15Server): Promise<void> {
    await killCluster(server.dataDir);
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      await server.server.run(path.join(PG15_BIN, "pg_ctl"), ["stop", "-m", "immediate", "-D", server.dataDir], 30_000).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
