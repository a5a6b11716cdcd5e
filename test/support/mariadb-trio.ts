import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { VOUCH_GRANT } from "@/agents/mariadb/vouch-table";
import { initializeDataDir, inOneSession, mariadbMissing, startMariadb, stopMariadb } from "@/lab/mariadb/mariadb-server";
import { freePort } from "@/server/store/free-port";

/**
 * Three MariaDB servers from Debian's binaries, built as their owner would
 * by hand: the first a writable primary with the users below, the other two
 * its GTID replicas, the primary's commits waiting for one of them (semi-sync).
 */

export interface MariadbNode {
  name: string;
  serverId: number;
  port: number;
  dataDir: string;
  pid: number | null;
}

export const USERS = {
  /** The agent's command user. */
  admin: { user: "switchyard", password: "admin-secret-1" },
  /** The agent's monitoring user, to whom read_only applies (verify-write). */
  monitor: { user: "switchyard_monitor", password: "monitor-secret-1" },
  replication: { user: "replicator", password: "repl'secret\\1" },
  app: { user: "app", password: "app-secret-1" },
} as const;

export const DATABASE = "sessions";

export function requireMariadb(): void {
  const missing = mariadbMissing();
  if (missing) throw new Error(missing);
}

export class MariadbTrio {
  readonly nodes: MariadbNode[] = [];

  private constructor(readonly dir: string) {}

  static async start(names: [string, string, string]): Promise<MariadbTrio> {
    requireMariadb();
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-mariadb-"));
    // mkdtemp makes the folder private; the mysql OS user must reach into it.
    chmodSync(dir, 0o755);
    const trio = new MariadbTrio(dir);
    try {
      await trio.build(names);
      return trio;
    } catch (error) {
      // The servers it started outlive this process otherwise.
      await trio.stopAll();
      throw error;
    }
  }

  private async build(names: [string, string, string]): Promise<void> {
    for (const [index, name] of names.entries()) {
      const node: MariadbNode = { name, serverId: index + 1, port: await freePort(), dataDir: path.join(this.dir, name), pid: null };
      await initializeDataDir(node.dataDir, path.join(this.dir, "template"));
      this.nodes.push(node);
      await this.start(node);
    }
    const [primary, ...replicas] = this.nodes as [MariadbNode, MariadbNode, MariadbNode];
    const grants: [{ user: string; password: string }, string][] = [
      [USERS.admin, "ALL PRIVILEGES ON *.*"],
      [USERS.monitor, "SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.*"],
      [USERS.replication, "REPLICATION SLAVE, SELECT, RELOAD, BINLOG MONITOR, SHOW VIEW, TRIGGER, EVENT ON *.*"],
      [USERS.app, `SELECT, INSERT, UPDATE, DELETE ON ${DATABASE}.*`],
      [USERS.monitor, `SELECT, INSERT, DELETE, CREATE ON ${DATABASE}.*`],
      [USERS.monitor, VOUCH_GRANT],
    ];
    await this.root(primary, "SET GLOBAL read_only = OFF");
    for (const [who, privileges] of grants) {
      await this.root(primary, "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [who.user, who.password]);
      await this.root(primary, `GRANT ${privileges} TO ?@'%'`, [who.user]);
    }
    await this.root(primary, `CREATE DATABASE ${DATABASE}`);
    await this.root(primary, `CREATE TABLE ${DATABASE}.sessions (id INT PRIMARY KEY, payload VARCHAR(64) NOT NULL) ENGINE = InnoDB`);
    for (const replica of replicas) await this.follow(replica, primary);
    await this.root(primary, "SET GLOBAL rpl_semi_sync_master_enabled = ON");
  }

  node(name: string): MariadbNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no MariaDB server ${name}`);
    return node;
  }

  url(node: MariadbNode, who: keyof typeof USERS = "admin"): string {
    const { user, password } = USERS[who];
    return `mariadb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${node.port}/${DATABASE}`;
  }

  async start(node: MariadbNode): Promise<void> {
    node.pid = await startMariadb({ name: node.name, dataDir: node.dataDir, port: node.port, serverId: node.serverId });
  }

  async stop(node: MariadbNode, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    if (node.pid !== null) await stopMariadb(node.pid, signal);
    node.pid = null;
  }

  /** A statement as root over TCP (root@127.0.0.1 has no password on a fresh install). */
  async root<T>(node: MariadbNode, statement: string, values: unknown[] = []): Promise<T[]> {
    return this.rootSession(node, [[statement, values]]) as Promise<T[]>;
  }

  /** Statements in one session as root (session settings carry over); the rows of the last. */
  rootSession(node: MariadbNode, statements: [string, unknown[]?][]): Promise<unknown[]> {
    return inOneSession(`mariadb://root@127.0.0.1:${node.port}/`, statements);
  }

  async as<T>(node: MariadbNode, who: keyof typeof USERS, statement: string, values: unknown[] = []): Promise<T[]> {
    const connection = await connectMariadb(this.url(node, who), 10_000);
    try {
      return await rowsOf<T>(connection, statement, 30_000, values);
    } finally {
      await closeMariadb(connection);
    }
  }

  async follow(replica: MariadbNode, primary: MariadbNode): Promise<void> {
    await this.root(
      replica,
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`,
      [USERS.replication.user, USERS.replication.password],
    );
    await this.root(replica, "START SLAVE");
  }

  async stopAll(): Promise<void> {
    for (const node of this.nodes) await this.stop(node, "SIGKILL").catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
