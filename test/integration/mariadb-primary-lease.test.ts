import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeMariadb, connectMariadb, rowsOf } from "@/agents/mariadb/client";
import { mariadbLeaseServer } from "@/agents/mariadb/mariadb-lease-server";
import { MariadbExecutor } from "@/agents/mariadb/mariadb-executor";
import { MariadbPeerProbes } from "@/agents/mariadb/peer-probes";
import { READ_VOUCHES_SQL } from "@/agents/mariadb/vouch-table";
import { CommandKeyRing } from "@/agents/commands/command-key-ring";
import { CommandLedger } from "@/agents/commands/command-ledger";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import { createLogger } from "@/agents/log";
import { AgentMetrics } from "@/agents/metrics";
import { PrimaryLeaseKeeper } from "@/agents/primary-lease/primary-lease-keeper";
import { WitnessIdentity } from "@/agents/witness-identity";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { COMMAND_ARGS, type AgentCommandKind } from "@/contracts/agent-commands";
import { FENCE_LEAD_MS } from "@/core/policy/budgets";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { MariadbTrio, type MariadbNode } from "../support/mariadb-trio";
import { RouteServer } from "../support/route-server";

/**
 * The lease keeper on a real MariaDB primary with two GTID replicas, against
 * the real lease route (which does not look at the engine: the keeper speaks
 * for orders-db's us-east-1 replica there). It holds the lease while the
 * control plane grants it or real witnesses vouch through the primary; with
 * both gone it makes the primary read-only and ends its client sessions
 * before the lease ends; a grant undoes that fence, never one the control
 * plane commanded; and a vouch writes nothing to the binlog.
 */

const INTERVAL_MS = 200;
/** The policy below: heartbeat 0.5 s × 4 misses. */
const PERIOD_MS = 2000;
const US = { replica: "pg-us-east-1", regionId: "aws:us-east-1" };
const EU = { replica: "pg-eu-west-1", regionId: "aws:eu-west-1" };
const W3 = { replica: "pg-europe-west3", regionId: "gcp:europe-west3" };
/** ER_OPTION_PREVENTS_STATEMENT: the server runs with read_only. */
const READ_ONLY_REFUSAL = 1290;

let trio: MariadbTrio;
let primary: MariadbNode;
let dir: string;
let token: string;
let controlPlaneKeys: CommandKeyRing;
const witnesses: Record<string, WitnessIdentity> = {};
const replicaIds: Record<string, string> = {};
// Renewals travel on the lease stream, as against a control plane with its direct lane.
const server = new RouteServer((request) => leaseRoute(request), { leaseStream: true });
const keepers: PrimaryLeaseKeeper[] = [];
let nextId = 1;

interface Running {
  keeper: PrimaryLeaseKeeper;
  metrics: AgentMetrics;
  logs: { event: string; message: string; rule?: string }[];
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
const binlogPositions = () => Promise.all(trio.nodes.map(async (node) => (await trio.root<{ pos: string }>(node, "SELECT @@gtid_binlog_pos AS pos"))[0]!.pos));

/** Whether an application's write is accepted now; a fence may end its session half-way, and it asks again then. */
async function writable(): Promise<boolean> {
  for (;;) {
    try {
      await trio.as(primary, "app", "INSERT INTO sessions (id, payload) VALUES (?, 'lease')", [nextId++]);
      return true;
    } catch (error) {
      const { errno, fatal } = error as { errno?: number; fatal?: boolean };
      if (errno === READ_ONLY_REFUSAL) return false;
      if (!fatal) throw error;
    }
  }
}

function startKeeper(name: string): Running {
  const logs: Running["logs"] = [];
  const metrics = new AgentMetrics({ processMetrics: false });
  const keeper = new PrimaryLeaseKeeper({
    controlPlaneUrl: `http://127.0.0.1:${server.port}`,
    token,
    agentName: "agent-pg-us-east-1",
    controlPlaneKeys,
    replica: US,
    intervalMs: INTERVAL_MS,
    timeoutMs: 2000,
    server: mariadbLeaseServer(trio.url(primary, "admin"), 2000),
    stateDir: path.join(dir, name),
    metrics,
    log: createLogger("agent-pg-us-east-1", (line) => void logs.push(JSON.parse(line))),
  });
  keeper.start();
  keepers.push(keeper);
  return { keeper, metrics, logs };
}

async function granted(running: Running): Promise<void> {
  await until(() => running.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "control-plane"), Boolean, "a grant from the control plane");
  await until(() => leaseOf(US.replica), (lease) => lease !== null, "the lease row");
}

/** Real witnesses in two other regions probing (and vouching for) the primary over their kept connections, until stopped. */
function witnessing(who: (typeof EU)[]) {
  let running = true;
  const loops = who.map(async (witness) => {
    const probes = new MariadbPeerProbes(witnesses[witness.replica]);
    try {
      while (running) {
        const { probe } = await probes.probePeer({ ...US, connectionString: trio.url(primary, "monitor") }, 2000);
        expect(probe.reachable).toBe(true);
        await sleep(300);
      }
    } finally {
      await probes.close();
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** What the command loop does with a command: recorded in the ledger before it runs, executed, answered. */
async function commanded(name: string, kind: AgentCommandKind): Promise<void> {
  const ledger = CommandLedger.open(path.join(dir, name));
  const id = `mariadb-lease-${nextId++}`;
  const now = Math.floor(Date.now() / 1000);
  const verified = {
    id,
    kind,
    args: COMMAND_ARGS[kind].parse({}),
    claims: { iss: "switchyard", aud: "agent-pg-us-east-1", jti: id, iat: now, exp: now + 300, kind, args: {}, serviceId: "orders-db", replica: US.replica, epoch: 1 },
  } as VerifiedCommand;
  expect(ledger.admit(verified)).toEqual({ admitted: true });
  const executor = new MariadbExecutor({
    connectionString: trio.url(primary, "admin"),
    applicationConnectionString: trio.url(primary, "monitor"),
    replicaName: US.replica,
    replication: null,
    formerDataDir: null,
  });
  const answer = await executor.execute(verified);
  expect(answer.status).toBe("succeeded");
  ledger.finish(verified.id, answer);
}

beforeAll(async () => {
  trio = await MariadbTrio.start(["lease-us", "lease-eu", "lease-w3"]);
  primary = trio.node("lease-us");
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-mariadb-lease-"));
  await seedDemoTopology(db());
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) replicaIds[replica.name] = replica.id;
  token = (await registerAgent({ replicaId: replicaIds[US.replica]!, name: "agent-pg-us-east-1" }, SYSTEM_ACTOR)).token;
  controlPlaneKeys = await CommandKeyRing.open(null, (await commandSigningKey()).publicKeyPem);
  for (const witness of [EU, W3]) {
    witnesses[witness.replica] = WitnessIdentity.open(path.join(dir, `witness-${witness.replica}`), witness);
    const { agent } = await registerAgent({ replicaId: replicaIds[witness.replica]!, name: `agent-${witness.replica}` }, SYSTEM_ACTOR);
    await db().agent.update({ where: { id: agent.id }, data: { witnessKey: witnesses[witness.replica]!.publicKey } });
  }
  const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 0.5, missesBeforeUnfit: 4 } } } });
  await server.start();
}, 180_000);

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
  if (!(await fetch(`http://127.0.0.1:${server.port}/`).then(() => true, () => false))) await server.start(server.port);
  await trio.root(primary, "SET GLOBAL read_only = OFF");
});

afterAll(async () => {
  await server.stop();
  await trio?.stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the primary's lease keeper on a real MariaDB", () => {
  it("while the control plane grants, the primary takes writes; cut off from it and from the witnesses, it is read-only with its client sessions ended before the lease ends; a grant undoes that", async () => {
    const running = startKeeper("lapse");
    await granted(running);
    expect(await writable()).toBe(true);
    await sleep(3 * PERIOD_MS);
    expect(await writable()).toBe(true);

    const application = await connectMariadb(trio.url(primary, "app"), 10_000);
    await server.stop();
    const cut = performance.now();
    const lease = (await leaseOf(US.replica))!;
    const controlPlaneEnd = lease.renewedAt.getTime() + lease.periodMs;
    await until(writable, (accepted) => !accepted, "writes to be refused");
    // The control plane's own clock is this machine's: the server refused writes before the control plane counts the lease as ended.
    expect(Date.now()).toBeLessThan(controlPlaneEnd);
    expect(performance.now() - cut).toBeGreaterThanOrEqual(PERIOD_MS - 2 * INTERVAL_MS - FENCE_LEAD_MS);
    await expect(rowsOf(application, "SELECT 1", 5_000)).rejects.toThrow();
    await closeMariadb(application);
    // The server refuses writes a moment before the keeper, its fence done, logs it.
    const fenced = (await until(() => running.logs.find((line) => line.event === "primary_lease.self_fenced"), Boolean, "the self-fence to be logged")) as { rule: string; terminatedSessions: number; finalPosition: string } | undefined;
    expect(fenced).toMatchObject({ rule: "lapsed" });
    expect(fenced!.terminatedSessions).toBeGreaterThan(0);
    expect(fenced!.finalPosition).toBe((await binlogPositions())[0]);

    await server.start(server.port);
    await until(writable, (accepted) => accepted, "writes to be accepted again");
    await until(() => running.logs.some((line) => line.event === "primary_lease.unfenced"), Boolean, "the keeper to log its unfence");
  });

  it("holds the lease through real witnesses' vouches while the control plane is out of reach, writing nothing to any binlog; fences once they stop, and a fenced primary takes no vouch", async () => {
    const running = startKeeper("witnesses");
    await granted(running);
    const stopWitnesses = witnessing([EU, W3]);
    await until(() => metric(running, "switchyard_agent_vouches_total"), (lines) => lines.some((line) => /outcome="accepted"\} [1-9]/.test(line)), "vouches to arrive");

    await server.stop();
    const before = await binlogPositions();
    await sleep(2 * PERIOD_MS + 500);
    expect(running.logs.some((line) => line.event === "primary_lease.decision" && line.rule === "witnesses")).toBe(true);
    expect(running.logs.some((line) => line.event === "primary_lease.self_fenced")).toBe(false);
    // Vouches kept coming all along, and not one of them became a transaction anywhere.
    expect(await binlogPositions()).toEqual(before);
    expect(await writable()).toBe(true);

    await stopWitnesses();
    await until(writable, (accepted) => !accepted, "writes to be refused once the witnesses stop");
    // The server refuses writes a moment before the keeper, its fence done, logs it.
    const fenced = await until(() => running.logs.find((line) => line.event === "primary_lease.self_fenced"), Boolean, "the self-fence to be logged");
    expect(fenced).toMatchObject({ rule: "lapsed" });

    // Witnesses that reach the fenced primary again cannot vouch for it: only the control plane's grant lifts the fence.
    const rows = async () => JSON.stringify(await trio.root(primary, READ_VOUCHES_SQL));
    const vouchesBefore = await rows();
    const restart = witnessing([EU, W3]);
    await sleep(2 * PERIOD_MS);
    await restart();
    expect(await rows()).toBe(vouchesBefore);
    expect(await writable()).toBe(false);
    await server.start(server.port);
    await until(writable, (accepted) => accepted, "writes to be accepted again after a grant");
  });

  it("never undoes a fence the control plane commanded after its own, and a commanded unfence does not fight it", async () => {
    const running = startKeeper("commanded");
    await granted(running);
    await server.stop();
    await until(writable, (accepted) => !accepted, "the keeper's own fence");
    await commanded("commanded", "fence");
    await server.start(server.port);
    await until(() => running.logs.some((line) => line.event === "primary_lease.fence_handed_over"), Boolean, "the keeper to hand the fence over");
    await sleep(3 * INTERVAL_MS);
    expect(await writable()).toBe(false);
    await commanded("commanded", "unfence");
    expect(await writable()).toBe(true);
    await sleep(3 * INTERVAL_MS);
    expect(await writable()).toBe(true);
  });
});
