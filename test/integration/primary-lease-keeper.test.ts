import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adapterFor } from "@/agents/adapters/adapter-for";
import { serveHealth } from "@/agents/health/health-server";
import { HealthState } from "@/agents/health/health-state";
import { ServerChanges } from "@/agents/health/server-changes";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { COMMAND_ARGS, type AgentCommandKind } from "@/contracts/agent-commands";
import { CommandLedger } from "@/agents/commands/command-ledger";
import { PostgresExecutor } from "@/agents/commands/postgres-executor";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import { createLogger } from "@/agents/log";
import { AgentMetrics } from "@/agents/metrics";
import { LEASE_STATE_FILE } from "@/agents/primary-lease/lease-state";
import { postgresLeaseServer } from "@/agents/primary-lease/local-session";
import { PrimaryLeaseKeeper } from "@/agents/primary-lease/primary-lease-keeper";
import { FENCE_LEAD_MS } from "@/core/policy/budgets";
import { CommandKeyRing } from "@/agents/commands/command-key-ring";
import { VOUCH_CHANNEL } from "@/agents/primary-lease/vouch";
import { PeerProbes } from "@/agents/witness";
import { WitnessIdentity } from "@/agents/witness-identity";
import { initCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { RouteServer } from "../support/route-server";
import { freePort } from "@/server/store/free-port";

/**
 * The primary's lease keeper against a real PostgreSQL 18 and the real lease
 * route: it fences its server by itself when the control plane stops
 * answering (never before the lease could have lapsed), or refuses, undoes
 * its own fence when grants resume (also across a restart), never undoes a
 * fence the control plane commanded, and holds the lease through real
 * witnesses' signed vouches while the control plane is out of reach, never
 * through vouches anyone else sends.
 */

const PASSWORD = randomBytes(12).toString("hex");
const INTERVAL_MS = 200;
/** The policy below: heartbeat 0.5 s × 4 misses. */
const PERIOD_MS = 2000;
const US = { replica: "pg-us-east-1", regionId: "aws:us-east-1" };
const EU = { replica: "pg-eu-west-1", regionId: "aws:eu-west-1" };
const W3 = { replica: "pg-europe-west3", regionId: "gcp:europe-west3" };

let dir: string;
let dataDir: string;
let port: number;
let url: string;
let token: string;
let controlPlaneKeys: CommandKeyRing;
const witnesses: Record<string, WitnessIdentity> = {};
const replicaIds: Record<string, string> = {};
// Renewals travel on the lease stream, as against a control plane with its direct lane.
const server = new RouteServer((request) => leaseRoute(request), { leaseStream: true });
const keepers: PrimaryLeaseKeeper[] = [];

interface Running {
  keeper: PrimaryLeaseKeeper;
  metrics: AgentMetrics;
  logs: { event: string; message: string; rule?: string }[];
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  // A fence may end the session between connecting and querying: the query then fails, and the FATAL reaches this listener.
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Whether a client's write in default transaction mode is accepted now. A
 * fence ends every client session, so this one may be ended half-way; it
 * asks again then.
 */
async function writable(): Promise<boolean> {
  for (;;) {
    try {
      await sql("INSERT INTO orders DEFAULT VALUES");
      return true;
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === "25006") return false;
      // A fence ending the session mid-query shows as any of these, by when the socket closed.
      if (code !== "57P01" && !/Connection terminated|not queryable|ECONNRESET/.test(message)) throw error;
    }
  }
}

async function until<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const metric = async (running: Running, name: string) => (await running.metrics.registry.getSingleMetricAsString(name)).split("\n").filter((line) => !line.startsWith("#"));
const leaseOf = (replica: string) => db().primaryLease.findUnique({ where: { replicaId: replicaIds[replica]! } });
const routeWritesTo = (replica: string) => db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: replicaIds[replica]! } });
const stateDir = (name: string) => path.join(dir, name);
const savedState = (name: string) => JSON.parse(readFileSync(path.join(stateDir(name), LEASE_STATE_FILE), "utf8"));

function startKeeper(name: string, options: { controlPlaneUrl?: string; graceMs?: number; onLog?: (line: Running["logs"][number]) => void } = {}): Running {
  const logs: Running["logs"] = [];
  const metrics = new AgentMetrics({ processMetrics: false });
  const keeper = new PrimaryLeaseKeeper({
    controlPlaneUrl: options.controlPlaneUrl ?? `http://127.0.0.1:${server.port}`,
    graceMs: options.graceMs,
    token,
    agentName: "agent-pg-us-east-1",
    controlPlaneKeys,
    replica: US,
    intervalMs: INTERVAL_MS,
    timeoutMs: 2000,
    server: postgresLeaseServer(url, 2000),
    stateDir: stateDir(name),
    metrics,
    log: createLogger("agent-pg-us-east-1", (line) => {
      logs.push(JSON.parse(line));
      options.onLog?.(logs.at(-1)!);
    }),
  });
  keeper.start();
  keepers.push(keeper);
  return { keeper, metrics, logs };
}

/**
 * Until this keeper holds a grant of the control plane: the metric alone also
 * says 1 during the start-up grace, and the lease row may be an earlier test's.
 */
async function granted(running: Running): Promise<void> {
  await until(() => running.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "control-plane"), Boolean, "a grant from the control plane");
  await until(() => metric(running, "switchyard_agent_primary_lease_held"), (lines) => lines.includes("switchyard_agent_primary_lease_held 1"), "the lease to be held");
  await until(() => leaseOf(US.replica), (lease) => lease !== null, "the lease row");
}

/** A session on the primary that hears every vouch sent to it. */
async function listenForVouches(): Promise<{ listener: pg.Client; heard: string[] }> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  const heard: string[] = [];
  listener.on("notification", (message) => void (message.payload && heard.push(message.payload)));
  await listener.query(`LISTEN ${VOUCH_CHANNEL}`);
  return { listener, heard };
}

let nextCommand = 0;

/** A command as verification hands it over. */
function command(kind: AgentCommandKind): VerifiedCommand {
  const id = `lease-test-${++nextCommand}`;
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    kind,
    args: COMMAND_ARGS[kind].parse({}),
    claims: { iss: "switchyard", aud: "agent-pg-us-east-1", jti: id, iat: now, exp: now + 300, kind, args: {}, serviceId: "orders-db", replica: US.replica, epoch: 1 },
  } as VerifiedCommand;
}

/** What the command loop does with a command: recorded in the ledger before it runs, executed, answered. */
async function commanded(name: string, kind: "fence" | "unfence"): Promise<void> {
  const ledger = CommandLedger.open(stateDir(name));
  const verified = command(kind);
  expect(ledger.admit(verified)).toEqual({ admitted: true });
  const answer = await new PostgresExecutor({ connectionString: url, replicaName: US.replica, replication: null, server: null, stateDir: null }).execute(verified);
  expect(answer.status).toBe("succeeded");
  ledger.finish(verified.id, answer);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-primary-lease-"));
  // mkdtemp makes the folder private; PostgreSQL's OS user must reach into it.
  chmodSync(dir, 0o755);
  dataDir = path.join(dir, "primary");
  port = await freePort();
  url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await initCluster(dataDir, PASSWORD);
  await startCluster({ dataDir, port }, path.join(dir, "primary.log"));
  await sql("CREATE TABLE orders (id serial PRIMARY KEY)");

  await seedDemoTopology(db());
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) replicaIds[replica.name] = replica.id;
  token = (await registerAgent({ replicaId: replicaIds[US.replica]!, name: "agent-pg-us-east-1" }, SYSTEM_ACTOR)).token;
  controlPlaneKeys = await CommandKeyRing.open(null, (await commandSigningKey()).publicKeyPem);
  // The witnesses' agents, with the keys their first batches would have bound.
  for (const witness of [EU, W3]) {
    witnesses[witness.replica] = WitnessIdentity.open(path.join(dir, `witness-${witness.replica}`), witness);
    const { agent } = await registerAgent({ replicaId: replicaIds[witness.replica]!, name: `agent-${witness.replica}` }, SYSTEM_ACTOR);
    await db().agent.update({ where: { id: agent.id }, data: { witnessKey: witnesses[witness.replica]!.publicKey } });
  }
  await sql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'`);
  const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 0.5, missesBeforeUnfit: 4 } } } });
  await server.start();
}, 120_000);

/** Whatever a test left behind: its keepers stopped, the control plane up and routing to us, the server writable. */
afterEach(async () => {
  await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
  if (!server.port || !(await fetch(`http://127.0.0.1:${server.port}/`).then(() => true, () => false))) await server.start(server.port);
  await routeWritesTo(US.replica);
  await sql("ALTER SYSTEM RESET default_transaction_read_only");
  await sql("SELECT pg_reload_conf()");
  await until(writable, (accepted) => accepted, "the server to be writable again");
});

afterAll(async () => {
  await server.stop();
  if (dataDir) await stopCluster(dataDir, "immediate").catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe("the primary's lease keeper on a real PostgreSQL", () => {
  it("fences its primary once nobody renewed the lease for its period, and undoes that fence when grants resume, also after a restart", async () => {
    const first = startKeeper("lapse");
    await granted(first);
    // Its renewals travel on the lease stream once it is open (the first went by POST while it opened).
    await until(() => server.leaseStreamLines, (lines) => lines > 0, "a renewal on the lease stream");
    expect(await writable()).toBe(true);
    expect((await leaseOf(US.replica))!.periodMs).toBe(PERIOD_MS);

    await server.stop();
    const cut = performance.now();
    await until(writable, (accepted) => !accepted, "writes to be refused");
    // The last grant was asked for at most two intervals before the cut; it ran a period from then.
    expect(performance.now() - cut).toBeGreaterThanOrEqual(PERIOD_MS - 2 * INTERVAL_MS - FENCE_LEAD_MS);
    await until(() => metric(first, "switchyard_agent_self_fences_total"), (lines) => lines.includes('switchyard_agent_self_fences_total{reason="lapsed"} 1'), "the self-fence metric");
    expect(first.logs.find((line) => line.event === "primary_lease.self_fenced")).toMatchObject({
      rule: "lapsed",
      message: `neither the control plane nor a majority of the witnesses in other regions renewed the lease within its period of ${PERIOD_MS} ms; fencing the server: the server refuses writes now`,
    });
    expect(savedState("lapse").selfFence).not.toBeNull();

    // A new agent process remembers the fence is its own, and undoes it once the control plane grants again.
    await first.keeper.stop();
    const second = startKeeper("lapse");
    await sleep(3 * INTERVAL_MS);
    expect(await writable()).toBe(false);
    await server.start(server.port);
    await until(writable, (accepted) => accepted, "writes to be accepted again");
    // The server takes writes a moment before the keeper, its reset done, records and logs it.
    await until(() => second.logs.some((line) => line.event === "primary_lease.unfenced"), Boolean, "the keeper to log its unfence");
    expect(savedState("lapse").selfFence).toBeNull();
    // The control plane heard of the fence only once the agent reached it again, and audited it and its end.
    const audited = () => db().auditEvent.findMany({ where: { action: { startsWith: "primary_lease.self_" }, targetId: replicaIds[US.replica] }, orderBy: { seq: "asc" } });
    const events = await until(audited, (rows) => rows.length >= 2, "the agent's own fence and its end audited");
    expect(events.map((event) => [event.action, event.actorType])).toEqual([
      ["primary_lease.self_fence", "agent"],
      ["primary_lease.self_unfence", "agent"],
    ]);
  });

  it("fences at once, without grace, when it restarts on a writable primary whose remembered grant has lapsed", async () => {
    const first = startKeeper("restart");
    await granted(first);
    await first.keeper.stop();
    await server.stop();
    await sleep(PERIOD_MS + 500);
    expect(await writable()).toBe(true);

    const second = startKeeper("restart");
    await until(writable, (accepted) => !accepted, "writes to be refused");
    expect(second.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "grace")).toBe(false);
    await server.start(server.port);
    await until(writable, (accepted) => accepted, "writes to be accepted again");
  });

  it("fences at once when the control plane refuses, and undoes that fence when the lease is granted again", async () => {
    const running = startKeeper("refusal");
    await granted(running);
    await routeWritesTo(EU.replica);
    await until(writable, (accepted) => !accepted, "writes to be refused");
    expect(running.logs.find((line) => line.event === "primary_lease.refused")?.message).toBe(
      "the control plane refuses the lease: writes go to pg-eu-west-1, not to pg-us-east-1",
    );
    // The server refuses writes a moment before the keeper, its fence done, counts it.
    await until(() => metric(running, "switchyard_agent_self_fences_total"), (lines) => lines.includes('switchyard_agent_self_fences_total{reason="refused"} 1'), "the self-fence to be counted");
    expect(await db().auditEvent.count({ where: { action: "primary_lease.refuse", targetId: replicaIds[US.replica] } })).toBe(1);

    await routeWritesTo(US.replica);
    await until(writable, (accepted) => accepted, "writes to be accepted again");
  });

  it("never undoes a fence the control plane commanded after its own", async () => {
    const running = startKeeper("commanded");
    await granted(running);
    await routeWritesTo(EU.replica);
    await until(writable, (accepted) => !accepted, "the keeper's own fence");
    await until(() => savedState("commanded").selfFence, (fence) => fence !== null, "the self-fence to be recorded");

    await commanded("commanded", "fence");
    await routeWritesTo(US.replica);
    await until(() => running.logs.some((line) => line.event === "primary_lease.fence_handed_over"), Boolean, "the keeper to hand the fence over");
    await sleep(3 * INTERVAL_MS);
    expect(await writable()).toBe(false);
    expect(savedState("commanded").selfFence).toBeNull();
    expect(await metric(running, "switchyard_agent_primary_lease_held")).toContain("switchyard_agent_primary_lease_held 1");

    // Only the control plane lifts it.
    await commanded("commanded", "unfence");
    expect(await writable()).toBe(true);
  });

  it("holds the lease through a majority of real witnesses' signed vouches while the control plane is out of reach, and fences once only a minority vouches, whatever an application role sends", async () => {
    const { listener, heard } = await listenForVouches();
    const running = startKeeper("witnesses");
    await granted(running);
    const vouching = { [EU.replica]: true, [W3.replica]: true };
    const lastVouchSent: Record<string, number> = {};
    const loops = [EU, W3].map(async (witness) => {
      const probes = new PeerProbes(witnesses[witness.replica]);
      try {
        while (vouching[witness.replica]) {
          lastVouchSent[witness.replica] = performance.now();
          const { probe } = await probes.probePeer({ ...US, connectionString: url }, 2000);
          expect(probe.reachable).toBe(true);
          await sleep(300);
        }
      } finally {
        await probes.close();
      }
    });
    // An application role (no superuser) on the primary sees every vouch, and sends whatever it likes on the channel.
    const attacker = new pg.Client({ connectionString: url.replace("postgres:", "app:") });
    // The fence ends its session, as every client's.
    attacker.on("error", () => {});
    await attacker.connect();
    const captured: string[] = [];
    attacker.on("notification", (message) => void (message.payload && captured.push(message.payload)));
    await attacker.query(`LISTEN ${VOUCH_CHANNEL}`);

    // While the control plane's grants arrive on time, the keeper asks for no vouches and the witnesses send none.
    await until(() => running.logs.some((line) => line.event === "primary_lease.vouch_demand" && line.rule === "grants-on-time"), Boolean, "the keeper to need no vouches");
    // A probe that read the lock just before the keeper let go may still vouch once.
    await sleep(400);
    const quietFrom = heard.length;
    await sleep(6 * 300);
    expect(heard.length).toBe(quietFrom);
    await listener.end();

    await server.stop();
    await sleep(2 * PERIOD_MS + 500);
    expect(await writable()).toBe(true);
    expect(running.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "witnesses")).toBe(true);
    expect(captured.length).toBeGreaterThan(0);

    // One of two witnesses is no majority: the lease lapses although the attacker forges and replays vouches for the other all along.
    vouching[W3.replica] = false;
    await loops[1];
    const minorityFrom = lastVouchSent[W3.replica]!;
    const stranger = WitnessIdentity.open(path.join(dir, "stranger"), W3);
    const forgeries = () => {
      const w3Replays = captured.filter((payload) => payload.includes(`"witness":"${W3.replica}"`));
      const forged = JSON.parse(stranger.vouch(US.replica, Date.now() * 1000 + 500_000)) as Record<string, unknown>;
      return [
        JSON.stringify({ replica: W3.replica, regionId: W3.regionId }),
        JSON.stringify(forged),
        JSON.stringify({ ...forged, counter: (forged.counter as number) + 1 }),
        ...w3Replays.slice(-3),
        // A genuine signature over claims moved on.
        ...w3Replays.slice(-1).map((payload) => JSON.stringify({ ...JSON.parse(payload), counter: Number.MAX_SAFE_INTEGER, notAfterUs: Date.now() * 1000 + 500_000 })),
      ];
    };
    const flood = setInterval(() => {
      for (const payload of forgeries()) void attacker.query("SELECT pg_notify($1, $2)", [VOUCH_CHANNEL, payload]).catch(() => {});
    }, 100);
    try {
      await until(writable, (accepted) => !accepted, "writes to be refused");
      expect(performance.now() - minorityFrom).toBeGreaterThanOrEqual(PERIOD_MS - FENCE_LEAD_MS);
    } finally {
      clearInterval(flood);
      vouching[EU.replica] = false;
      await loops[0];
      await attacker.end().catch(() => {});
    }
    expect(await metric(running, "switchyard_agent_vouches_total")).toContainEqual(expect.stringMatching(/^switchyard_agent_vouches_total\{outcome="refused"\} [1-9]/));
    expect(running.logs.some((line) => line.event === "primary_lease.vouch_refused")).toBe(true);

    await server.start(server.port);
    await until(writable, (accepted) => accepted, "writes to be accepted again");
  });

  it("a witness does not vouch for a fenced primary: its NOTIFY would write WAL past the fenced primary's final position", async () => {
    await sql("ALTER SYSTEM SET default_transaction_read_only = on");
    await sql("SELECT pg_reload_conf()");
    try {
      await until(writable, (accepted) => !accepted, "the fence to show");
      const [before] = await sql<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
      const probes = new PeerProbes(witnesses[EU.replica]);
      for (let probe = 0; probe < 5; probe++) expect((await probes.probePeer({ ...US, connectionString: url }, 2000)).probe.reachable).toBe(true);
      await probes.close();
      const [after] = await sql<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
      expect(after!.lsn).toBe(before!.lsn);
    } finally {
      await sql("ALTER SYSTEM RESET default_transaction_read_only");
      await sql("SELECT pg_reload_conf()");
      await until(writable, (accepted) => accepted, "the fence to be lifted");
    }
  });

  it("a witness vouches after every probe of a primary whose agent does not say when it wants vouches (an older agent)", async () => {
    const { listener, heard } = await listenForVouches();
    const probes = new PeerProbes(witnesses[EU.replica]);
    try {
      for (let probe = 0; probe < 3; probe++) expect((await probes.probePeer({ ...US, connectionString: url }, 2000)).probe.reachable).toBe(true);
      await until(() => heard.length, (count) => count >= 3, "a vouch for each probe");
    } finally {
      await probes.close();
      await listener.end();
    }
  });

  it("stays passive while the control plane grants no leases at all (404: a version from before them)", async () => {
    const older = new RouteServer(async () => Response.json({ error: { code: "not_found", message: "no such route" } }, { status: 404 }));
    const port = await older.start();
    try {
      const running = startKeeper("not-offered", { controlPlaneUrl: `http://127.0.0.1:${port}`, graceMs: 500 });
      await until(() => running.logs.some((line) => line.event === "primary_lease.not_offered"), Boolean, "the keeper to notice");
      await sleep(1000 + 4 * INTERVAL_MS);
      expect(await writable()).toBe(true);
      expect(running.logs.some((line) => line.event === "primary_lease.self_fenced")).toBe(false);
    } finally {
      await older.stop();
    }
  });

  it("never asks on a standby, and asks and is granted once that standby is promoted", async () => {
    // The server restarted in recovery: a standby with no primary to follow, which is all this needs.
    await stopCluster(dataDir, "fast");
    const signal = path.join(dataDir, "standby.signal");
    writeFileSync(signal, "");
    const owner = postgresOsUser();
    if (owner) chownSync(signal, owner.uid, owner.gid);
    await startCluster({ dataDir, port }, path.join(dir, "primary.log"));

    const running = startKeeper("standby");
    await until(() => running.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "standby"), Boolean, "the keeper to see a standby");
    await sleep(4 * INTERVAL_MS);
    expect((await metric(running, "switchyard_agent_lease_renewals_total")).every((line) => line.endsWith(" 0"))).toBe(true);
    expect(running.logs.some((line) => line.rule === "server-unknown")).toBe(false);

    await sql("SELECT pg_promote(true, 30)");
    // What the agent's next probe tells the keeper, which reads a standby only now and then otherwise.
    running.keeper.probed({ reachable: true, role: "primary" });
    await granted(running);
    expect(await writable()).toBe(true);
    expect(running.logs.filter((line) => line.event === "primary_lease.decision").map((line) => line.rule)).toEqual(["standby", "grace", "control-plane"]);
  });

  /**
   * The agent's health endpoints in front of this keeper, on the real
   * listener: each sample probes the server as the agent's loop does, then
   * writes, then asks /primary. A write refused means the fence was in force
   * before the question, so /primary must answer 503 by then. Samples until
   * `count` of them, or the first refused write.
   */
  async function healthSamples(running: Running, count: number): Promise<{ writable: boolean; primary: number }[]> {
    const adapter = adapterFor({ name: US.replica, regionId: US.regionId, engine: "postgresql", connectionString: url }, 2000);
    const health = new HealthState({ staleAfterMs: 60_000, changes: new ServerChanges(), keeper: running.keeper, commandEpoch: () => null });
    const listener = await serveHealth(() => health.facts(), { port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const samples: { writable: boolean; primary: number }[] = [];
    try {
      while (samples.length < count) {
        const started = performance.now();
        health.observed(await adapter.probe(), started);
        const accepted = await writable();
        samples.push({ writable: accepted, primary: (await fetch(`${base}/primary`)).status });
        if (!accepted) break;
      }
      return samples;
    } finally {
      listener.close();
      await adapter.close();
    }
  }

  it.each(["lapsed", "refused"] as const)("stops answering 200 on /primary no later than it fences, when the lease is %s", async (rule) => {
    let atDecision: ReturnType<PrimaryLeaseKeeper["healthView"]> | null = null;
    const running: Running = startKeeper(`health-${rule}`, {
      // Logged the moment the keeper decides to fence, before its fence starts.
      onLog: (line) => {
        if (line.event === "primary_lease.decision" && line.rule === rule) atDecision = running.keeper.healthView();
      },
    });
    await granted(running);
    expect(running.keeper.healthView()).toMatchObject({ lease: { kept: true, held: true, rule: "control-plane" }, controlPlane: { word: "granted" }, epoch: expect.any(Number) });
    const before = await healthSamples(running, 3);
    expect(before, "the write replica answers 200").toEqual(Array(3).fill({ writable: true, primary: 200 }));

    if (rule === "lapsed") await server.stop();
    else await routeWritesTo(EU.replica);
    const during = await healthSamples(running, Number.POSITIVE_INFINITY);
    expect(during.at(-1), JSON.stringify(during)).toEqual({ writable: false, primary: 503 });
    expect(atDecision).toMatchObject({ lease: { held: false, rule } });
    if (rule === "refused") expect(atDecision!.controlPlane).toEqual({ word: "refused", reason: "writes go to pg-eu-west-1, not to pg-us-east-1" });
    if (rule === "lapsed") await server.start(server.port);
  });
});
