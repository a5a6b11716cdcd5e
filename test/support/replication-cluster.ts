import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { chown, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { conninfoValue, primaryConninfo } from "@/agents/commands/primary-conninfo";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { copyDataFolder } from "@/lab/copy-data-folder";
import { freePort } from "@/server/store/free-port";

export interface ClusterServer {
  name: string;
  dataDir: string;
  port: number;
}

export interface StandbyOptions {
  /** application_name in its primary_conninfo; null leaves it out (the server then streams as its cluster_name, or "walreceiver"). */
  applicationName?: string | null;
  /** A physical slot created on the upstream for it; null streams without one. */
  slot?: string | null;
  settings?: Record<string, string | number | boolean>;
  /** The primary to clone; the first one started unless given. */
  from?: ClusterServer;
}

/**
 * Real streaming replication for tests: PostgreSQL 18 servers from npm on
 * free ports under one temporary folder, standbys cloned from the primary
 * with the low-level backup API (there is no pg_basebackup here) and
 * streaming from whichever server they are told to.
 */
export class ReplicationCluster {
  private readonly servers: ClusterServer[] = [];
  private primary: ClusterServer | null = null;

  private constructor(
    readonly dir: string,
    readonly password: string,
  ) {}

  static create(prefix: string, password: string): ReplicationCluster {
    const dir = mkdtempSync(path.join(os.tmpdir(), `switchyard-${prefix}-`));
    // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
    chmodSync(dir, 0o755);
    return new ReplicationCluster(dir, password);
  }

  url(server: ClusterServer, role = "postgres", password = this.password, database = "postgres"): string {
    return `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${database}`;
  }

  async sql<T extends pg.QueryResultRow>(server: ClusterServer, text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(server) });
    // A server stopped under an idle connection must not become an uncaught error.
    client.on("error", () => {});
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async startPrimary(name: string, settings: Record<string, string | number | boolean> = {}): Promise<ClusterServer> {
    const server = { name, dataDir: path.join(this.dir, name), port: await freePort() };
    await initCluster(server.dataDir, this.password);
    await startCluster({ dataDir: server.dataDir, port: server.port, settings }, path.join(this.dir, `${name}.log`));
    this.servers.push(server);
    this.primary ??= server;
    return server;
  }

  /** Clones a primary and streams from `upstream` (that primary, or a standby of it for a cascade). */
  async startStandby(name: string, upstream: ClusterServer, options: StandbyOptions = {}): Promise<ClusterServer> {
    const source = options.from ?? this.primary;
    if (!source) throw new Error("start a primary first");
    const server = { name, dataDir: path.join(this.dir, name), port: await freePort() };
    const slot = options.slot === undefined ? name.replace(/[^a-z0-9_]/g, "_") : options.slot;
    if (slot) await this.sql(upstream, "SELECT pg_create_physical_replication_slot($1)", [slot]);

    const client = new pg.Client({ connectionString: this.url(source) });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("SELECT pg_backup_start($1, true)", [`test clone ${name}`]);
      await copyDataFolder(source.dataDir, server.dataDir, postgresOsUser());
      const [stop] = (await client.query<{ labelfile: string; spcmapfile: string | null }>("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")).rows;
      await this.writeOwned(path.join(server.dataDir, "backup_label"), stop!.labelfile);
      if (stop!.spcmapfile) await this.writeOwned(path.join(server.dataDir, "tablespace_map"), stop!.spcmapfile);
    } finally {
      await client.end();
    }
    await this.writeOwned(path.join(server.dataDir, "standby.signal"), "");

    const applicationName = options.applicationName === undefined ? name : options.applicationName;
    const target = { host: "127.0.0.1", port: upstream.port };
    const conninfo =
      applicationName === null
        ? `host=${target.host} port=${target.port} user=postgres password=${conninfoValue(this.password)}`
        : primaryConninfo(target, { user: "postgres", password: this.password }, applicationName);
    const settings = { ...options.settings, primary_conninfo: conninfo, ...(slot ? { primary_slot_name: slot } : {}) };
    await startCluster({ dataDir: server.dataDir, port: server.port, settings }, path.join(this.dir, `${name}.log`));
    this.servers.push(server);
    return server;
  }

  /** Waits until `server` lists each of `names` as a streaming walsender. */
  async streaming(server: ClusterServer, names: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await this.sql<{ application_name: string }>(server, "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
      if (names.every((name) => rows.some((row) => row.application_name === name))) return;
      if (Date.now() > deadline) throw new Error(`${server.name}: ${names.join(", ")} not all streaming; streaming: ${rows.map((row) => row.application_name).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    for (const server of [...this.servers].reverse()) await stopCluster(server.dataDir, "immediate").catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async writeOwned(file: string, content: string): Promise<void> {
    await writeFile(file, content, { mode: 0o600 });
    const user = postgresOsUser();
    if (user) await chown(file, user.uid, user.gid);
  }
}
