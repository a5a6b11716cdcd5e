import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresOsUser } from "@/embedded/run-as";
import { findHaproxy } from "@/lab/haproxy";
import { freePort } from "@/server/store/free-port";
import { PG15_BIN } from "./debian-pg15-cluster";

const PATRONI = "/usr/bin/patroni";
const ETCD = "/usr/bin/etcd";
const HOST = "127.0.0.1";
const SUPERUSER = { user: "postgres", password: "store-superuser-password" };
export const STORE_ROLES = {
  owner: { user: "switchyard_owner", password: "store-owner-password" },
  app: { user: "switchyard_app", password: "store-app-password" },
};
const DATABASE = "switchyard";

/**
 * Throws, naming what is missing and how to install it, when Patroni, etcd,
 * Debian's PostgreSQL 15 or HAProxy is not on this machine: the test must
 * fail, not skip (`npm run test:integration` installs them first).
 */
export function requirePatroniStore({ loadBalancer = true } = {}): void {
  const needed = [PATRONI, ETCD, path.join(PG15_BIN, "postgres")];
  const missing = needed.filter((file) => !existsSync(file));
  if (loadBalancer && !findHaproxy()) missing.push("haproxy");
  if (missing.length > 0) {
    throw new Error(
      `the Patroni store test needs ${missing.join(", ")}: run scripts/ensure-patroni.sh and scripts/ensure-haproxy.sh ` +
        "(npm run test:integration runs them first), or apt-get install patroni etcd-server postgresql-15 haproxy.",
    );
  }
}

export interface PatroniMember {
  name: string;
  role: "leader" | "sync_standby" | "replica" | string;
  state: string;
  timeline?: number;
}

interface Node {
  name: string;
  configFile: string;
  logFile: string;
  pgPort: number;
  restPort: number;
  dataDir: string;
  child: ChildProcess;
}

/** Patroni's timing settings, in seconds (its DCS section's ttl, loop_wait and retry_timeout). */
export interface PatroniTiming {
  ttl: number;
  loopWait: number;
  retryTimeout: number;
}

/** The store's setting, issue 20's "Patroni ttl 10". */
export const PATRONI_TTL_10: PatroniTiming = { ttl: 10, loopWait: 2, retryTimeout: 4 };
/** Issue 20's fastest Patroni: a loop every second, as the agent's demo policy ticks. */
export const PATRONI_TTL_5: PatroniTiming = { ttl: 5, loopWait: 1, retryTimeout: 2 };

/**
 * The control plane's store as an SRE would run it highly available: three
 * PostgreSQL 15 nodes managed by Patroni (synchronous mode, ttl 10 s,
 * loop_wait 2 s, retry_timeout 4 s) over a one-member etcd, and HAProxy in
 * front sending connections to whichever node Patroni's REST API names
 * primary. Clients use the HAProxy port only, as they would in production.
 */
export class PatroniStore {
  private constructor(
    readonly dir: string,
    private readonly runAs: { uid?: number; gid?: number },
    private readonly etcd: ChildProcess,
    private readonly nodes: Node[],
    private readonly haproxy: ChildProcess | null,
    readonly port: number,
  ) {}

  /**
   * `loadBalancer: false` starts no HAProxy (nothing then checks Patroni's
   * REST API): `port` is then the first node's, the primary right after the
   * bootstrap, as a benchmark of Patroni's own work needs. `timing` other
   * than ttl 10 is for benchmarks too: the store's tests assume ttl 10.
   */
  static async start({ loadBalancer = true, timing = PATRONI_TTL_10 }: { loadBalancer?: boolean; timing?: PatroniTiming } = {}): Promise<PatroniStore> {
    requirePatroniStore({ loadBalancer });
    const user = postgresOsUser();
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-patroni-"));
    chmodSync(dir, 0o755);
    const runAs = user ? { uid: user.uid, gid: user.gid } : {};
    const own = (file: string) => {
      if (user) chownSync(file, user.uid, user.gid);
    };
    own(dir);

    const clientPort = await freePort();
    const peerPort = await freePort();
    const etcd = spawnLogged(
      ETCD,
      [
        "--name=store-etcd",
        `--data-dir=${path.join(dir, "etcd")}`,
        `--listen-client-urls=http://${HOST}:${clientPort}`,
        `--advertise-client-urls=http://${HOST}:${clientPort}`,
        `--listen-peer-urls=http://${HOST}:${peerPort}`,
        `--initial-advertise-peer-urls=http://${HOST}:${peerPort}`,
        `--initial-cluster=store-etcd=http://${HOST}:${peerPort}`,
        "--log-level=warn",
      ],
      path.join(dir, "etcd.log"),
      runAs,
    );

    const nodes: Node[] = [];
    for (const index of [1, 2, 3]) {
      const name = `store-${index}`;
      const pgPort = await freePort();
      const restPort = await freePort();
      const dataDir = path.join(dir, name);
      const configFile = path.join(dir, `${name}.yml`);
      writeFileSync(configFile, patroniConfig({ name, pgPort, restPort, dataDir, etcdPort: clientPort, dir }, timing));
      own(configFile);
      const logFile = path.join(dir, `${name}.log`);
      nodes.push({ name, configFile, logFile, pgPort, restPort, dataDir, child: spawnLogged(PATRONI, [configFile], logFile, runAs) });
      // The first node bootstraps alone; the others then clone it rather than race it for the initialize key.
      if (index === 1) await waitFor("the first Patroni node to bootstrap", () => restStatus(restPort, "primary").then((status) => status === 200), 90_000);
    }

    let haproxy: ChildProcess | null = null;
    let port = nodes[0]!.pgPort;
    if (loadBalancer) {
      port = await freePort();
      const haproxyConfigFile = path.join(dir, "haproxy.cfg");
      writeFileSync(haproxyConfigFile, haproxyConfig(port, nodes));
      haproxy = spawnLogged(findHaproxy()!, ["-db", "-f", haproxyConfigFile], path.join(dir, "haproxy.log"), {});
    }
    const store = new PatroniStore(dir, runAs, etcd, nodes, haproxy, port);
    await store.waitForSyncStandby(90_000);
    await store.createSwitchyardDatabase();
    return store;
  }

  /** The URL of the switchyard database as `role`, through HAProxy. */
  url(role: keyof typeof STORE_ROLES): string {
    const { user, password } = STORE_ROLES[role];
    return `postgresql://${user}:${password}@${HOST}:${this.port}/${DATABASE}`;
  }

  /** As the superuser, through HAProxy: what the test reads the store with. */
  superuserUrl(database = DATABASE): string {
    return `postgresql://${SUPERUSER.user}:${SUPERUSER.password}@${HOST}:${this.port}/${database}`;
  }

  async members(): Promise<PatroniMember[]> {
    for (const node of this.nodes) {
      if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
      try {
        const response = await fetch(`http://${HOST}:${node.restPort}/cluster`, { signal: AbortSignal.timeout(2_000) });
        return ((await response.json()) as { members: PatroniMember[] }).members;
      } catch {
        // Ask the next node.
      }
    }
    return [];
  }

  async leader(): Promise<string | null> {
    return (await this.members()).find((member) => member.role === "leader" && member.state === "running")?.name ?? null;
  }

  /** Each node's Patroni process and etcd's, for a benchmark sampling their CPU and memory. */
  processIds(): { managers: { name: string; pid: number }[]; etcd: number } {
    return { managers: this.nodes.map((node) => ({ name: node.name, pid: node.child.pid! })), etcd: this.etcd.pid! };
  }

  async waitForSyncStandby(timeoutMs: number): Promise<void> {
    await waitFor(
      "a Patroni leader with a synchronous standby",
      async () => {
        const members = await this.members();
        return members.some((m) => m.role === "leader" && m.state === "running") && members.some((m) => m.role === "sync_standby" && m.state === "running");
      },
      timeoutMs,
    );
  }

  /** SIGKILLs a node's Patroni and its postmaster at once, as a host that died would lose both. */
  killNode(name: string): void {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no store node ${name}`);
    const postmaster = readPostmasterPid(node.dataDir);
    node.child.kill("SIGKILL");
    if (postmaster) {
      try {
        process.kill(postmaster, "SIGKILL");
      } catch {
        // Already gone with its manager.
      }
    }
  }

  /** Starts a killed node's Patroni again: it rejoins as a standby of the new primary (pg_rewind when its timeline forked). */
  restartNode(name: string): void {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no store node ${name}`);
    if (node.child.exitCode === null && node.child.signalCode === null) throw new Error(`store node ${name} is running`);
    node.child = spawnLogged(PATRONI, [node.configFile], node.logFile, this.runAs);
  }

  /** The store's server log and Patroni's, for a failed test's message. */
  logTail(): string {
    return ["haproxy.log", ...this.nodes.map((node) => `${node.name}.log`)]
      .map((file) => `--- ${file}\n${tail(path.join(this.dir, file), 1_500)}`)
      .join("\n");
  }

  async stop(): Promise<void> {
    const stopped = (child: ChildProcess) =>
      child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const children = [...(this.haproxy ? [this.haproxy] : []), ...this.nodes.map((node) => node.child)];
    for (const child of children) child.kill("SIGTERM");
    await Promise.race([Promise.all(children.map(stopped)), delay(20_000)]);
    // A Patroni that did not stop in time, and a postmaster orphaned by a killed Patroni, are stopped hard.
    for (const node of this.nodes) {
      node.child.kill("SIGKILL");
      const postmaster = readPostmasterPid(node.dataDir);
      if (postmaster) {
        try {
          process.kill(postmaster, "SIGQUIT");
        } catch {
          // Not running.
        }
      }
    }
    this.etcd.kill("SIGTERM");
    await Promise.race([stopped(this.etcd), delay(5_000)]);
    await delay(1_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async createSwitchyardDatabase(): Promise<void> {
    const { owner, app } = STORE_ROLES;
    await asSuperuser(this.superuserUrl("postgres"), [
      `CREATE ROLE ${owner.user} LOGIN PASSWORD '${owner.password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION`,
      `CREATE ROLE ${app.user} LOGIN PASSWORD '${app.password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION`,
      `CREATE DATABASE ${DATABASE} OWNER ${owner.user}`,
    ]);
    await asSuperuser(this.superuserUrl(), [
      `ALTER SCHEMA public OWNER TO ${owner.user}`,
      `REVOKE ALL ON DATABASE ${DATABASE} FROM PUBLIC`,
      `GRANT CONNECT ON DATABASE ${DATABASE} TO ${app.user}`,
    ]);
  }
}

function patroniConfig(node: { name: string; pgPort: number; restPort: number; dataDir: string; etcdPort: number; dir: string }, timing: PatroniTiming): string {
  return `scope: switchyard-store
name: ${node.name}
restapi:
  listen: ${HOST}:${node.restPort}
  connect_address: ${HOST}:${node.restPort}
etcd3:
  hosts: ${HOST}:${node.etcdPort}
bootstrap:
  dcs:
    ttl: ${timing.ttl}
    loop_wait: ${timing.loopWait}
    retry_timeout: ${timing.retryTimeout}
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: "on"
        max_connections: 200
  initdb:
    - encoding: UTF8
    - auth: scram-sha-256
  pg_hba:
    - host replication replicator ${HOST}/32 scram-sha-256
    - host all all ${HOST}/32 scram-sha-256
postgresql:
  listen: ${HOST}:${node.pgPort}
  connect_address: ${HOST}:${node.pgPort}
  data_dir: ${node.dataDir}
  bin_dir: ${PG15_BIN}
  pgpass: ${path.join(node.dir, `${node.name}.pgpass`)}
  authentication:
    replication: {username: replicator, password: store-replication-password}
    superuser: {username: ${SUPERUSER.user}, password: ${SUPERUSER.password}}
  parameters:
    unix_socket_directories: ${node.dir}
`;
}

/** Patroni's documented HAProxy set-up: the node whose REST API answers 200 on /primary takes the connections; others' are cut. */
function haproxyConfig(port: number, nodes: readonly Node[]): string {
  return [
    "global",
    "  maxconn 500",
    "defaults",
    "  mode tcp",
    "  timeout connect 4s",
    "  timeout client 30m",
    "  timeout server 30m",
    "  timeout check 2s",
    "listen store_primary",
    `  bind ${HOST}:${port}`,
    "  option httpchk GET /primary",
    "  http-check expect status 200",
    "  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions",
    ...nodes.map((node) => `  server ${node.name} ${HOST}:${node.pgPort} maxconn 200 check port ${node.restPort}`),
    "",
  ].join("\n");
}

async function asSuperuser(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function restStatus(port: number, endpoint: string): Promise<number> {
  try {
    return (await fetch(`http://${HOST}:${port}/${endpoint}`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

function spawnLogged(binary: string, args: readonly string[], logFile: string, runAs: { uid?: number; gid?: number }): ChildProcess {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(binary, args, { stdio: ["ignore", fd, fd], ...runAs });
    child.once("error", (error) => writeFileSync(logFile, `${error.message}\n`, { flag: "a" }));
    return child;
  } finally {
    closeSync(fd);
  }
}

function readPostmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function tail(file: string, chars: number): string {
  try {
    return readFileSync(file, "utf8").slice(-chars);
  } catch {
    return "(none)";
  }
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(250);
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
