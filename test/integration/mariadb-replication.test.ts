import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReportSchema } from "@/contracts/agent-reports";
import { COMMAND_OUTPUTS, commandResultSchema, type AgentCommandKind, type CommandResult } from "@/contracts/agent-commands";
import { parseAgentConfig } from "@/agents/config";
import { createLogger } from "@/agents/log";
import { AgentMetrics } from "@/agents/metrics";
import { CommandKeyRing } from "@/agents/commands/command-key-ring";
import { commandLoopFor } from "@/agents/commands/command-loop-for";
import { COMMANDS_PATH } from "@/agents/commands/command-loop";
import { createTestSigner } from "@/agents/commands/test-signer";
import type { CommandAnswer } from "@/agents/commands/command-ledger";
import type { VerifiedCommand } from "@/agents/commands/verify-command";
import type { ReplicaObservation } from "@/agents/adapters/engine-adapter";
import { notReached, parseGtidPosition } from "@/agents/mariadb/gtid";
import { MariadbAdapter } from "@/agents/mariadb/mariadb-adapter";
import { MariadbExecutor } from "@/agents/mariadb/mariadb-executor";
import { MariadbPeerProbes } from "@/agents/mariadb/peer-probes";
import { fencedPositionReplayed } from "@/core/replication/rpo-proof";
import { SEMI_SYNC_TIMEOUT_MS } from "@/lab/mariadb/mariadb-server";
import { closeAbruptly, listenLocally } from "../support/local-server";
import { MariadbTrio, USERS, type MariadbNode } from "../support/mariadb-trio";
import { verifiedCommand } from "../support/verified-command";
import { until } from "../support/until";

/**
 * The MariaDB adapter and executor against three real MariaDB 10.11
 * servers (Debian's binaries) replicating with GTIDs and semi-synchronous
 * commits. The tests run in order: observe, a replication conflict, fence
 * the primary, prove and promote a replica, re-point the other, rejoin the
 * former primary, then errant transactions on it: refused, then rebuilt; a
 * signed fence through the agent's command loop; and the semi-synchronous
 * primary killed mid-write.
 */

let trio: MariadbTrio;
let a: MariadbNode;
let b: MariadbNode;
let c: MariadbNode;
let formerDataDir: string;
const REPLICATION = { user: USERS.replication.user, password: USERS.replication.password };
/** Ids whose insert the primary acknowledged: none may be missing after a failover. */
const acknowledged: number[] = [];
let nextId = 0;

async function observe(node: MariadbNode): Promise<ReplicaObservation> {
  const adapter = new MariadbAdapter(trio.url(node, "monitor"), 5000);
  try {
    const observation = await adapter.probe();
    const parsed = agentReportSchema.safeParse({ seq: 1, observedAt: new Date().toISOString(), ...observation, peers: [] });
    expect(parsed.success, parsed.error?.message).toBe(true);
    return observation;
  } finally {
    await adapter.close();
  }
}

/** A primary's observation as its agent reports it: its witness's probes of the peers complete its replicas' sync states. */
async function observeWithPeers(node: MariadbNode, peers: MariadbNode[]): Promise<ReplicaObservation> {
  const witness = new MariadbPeerProbes();
  try {
    await witness.probe(peers.map((peer) => ({ replica: peer.name, regionId: "aws:us-east-1", connectionString: trio.url(peer, "monitor") })), 5000);
    return witness.completeObservation(await observe(node));
  } finally {
    await witness.close();
  }
}

const syncStates = (observation: ReplicaObservation) => observation.standbys.map((standby) => [standby.applicationName, standby.syncState]).sort();

async function write(node: MariadbNode, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const id = ++nextId;
    await trio.as(node, "app", "INSERT INTO sessions (id, payload) VALUES (?, ?)", [id, `session ${id}`]);
    acknowledged.push(id);
  }
}

const ids = async (node: MariadbNode) => (await trio.root<{ id: number }>(node, "SELECT id FROM sessions.sessions ORDER BY id")).map((row) => Number(row.id));

const caughtUp = (node: MariadbNode, primary: MariadbNode) =>
  until(
    `${node.name} to apply everything ${primary.name} wrote`,
    async () => [await observe(node), await observe(primary)] as const,
    ([replica, source]) => replica.lsn.replayed !== null && replica.lsn.replayed === source.lsn.current,
    30_000,
    100,
  );

function command<K extends AgentCommandKind>(kind: K, args: Record<string, unknown>, replica: string): VerifiedCommand {
  return verifiedCommand(kind, args, { serviceId: "sessions-db", replica });
}

/** `keepsFormerData: false` runs it as an agent whose config names no formerDataDir. */
async function run<K extends AgentCommandKind>(node: MariadbNode, kind: K, args: Record<string, unknown> = {}, { keepsFormerData = true } = {}): Promise<CommandAnswer> {
  const executor = new MariadbExecutor({
    connectionString: trio.url(node, "admin"),
    applicationConnectionString: trio.url(node, "monitor"),
    replicaName: node.name,
    replication: REPLICATION,
    formerDataDir: keepsFormerData ? formerDataDir : null,
  });
  const answer = await executor.execute(command(kind, args, node.name));
  if (answer.status === "succeeded") expect(COMMAND_OUTPUTS[kind].safeParse(answer.output).success, JSON.stringify(answer.output)).toBe(true);
  return answer;
}

beforeAll(async () => {
  trio = await MariadbTrio.start(["sessions-us-east-1", "sessions-eu-west-1", "sessions-europe-west3"]);
  [a, b, c] = trio.nodes as [MariadbNode, MariadbNode, MariadbNode];
  formerDataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-mariadb-former-"));
  await caughtUp(b, a);
  await caughtUp(c, a);
});

afterAll(async () => {
  await trio?.stopAll();
  if (formerDataDir) rmSync(formerDataDir, { recursive: true, force: true });
});

describe("observing MariaDB with GTID replication", () => {
  it("a primary: its GTID position as the domain's sequence number, semi-sync with both replicas acknowledging, writable", async () => {
    await write(a, 5);
    const primary = await observe(a);
    expect(primary).toMatchObject({ engine: "mariadb", reachable: true, role: "primary", timeline: null, walReceiver: null, settings: { default_transaction_read_only: "off" } });
    const binlog = parseGtidPosition(primary.mariadb!.gtidBinlogPos)!;
    expect(binlog).toEqual([{ domain: 0, server: 1, seq: BigInt(primary.lsn.current!) }]);
    expect(primary.mariadb?.semiSync).toMatchObject({ primaryEnabled: true, primaryActive: true });
    await until("both replicas to acknowledge", () => observe(a), (observation) => observation.mariadb!.semiSync.clients === 2 && observation.standbys.length === 2, 30_000, 100);
    expect(syncStates(await observeWithPeers(a, [b, c]))).toEqual([
      [b.name, "quorum"],
      [c.name, "quorum"],
    ].sort());
  });

  it("a primary with one semi-sync replica: that one its sync standby, the other async; none once the primary falls back to asynchronous commits", async () => {
    await trio.root(c, "STOP SLAVE IO_THREAD");
    await trio.root(c, "SET GLOBAL rpl_semi_sync_slave_enabled = OFF");
    await trio.root(c, "START SLAVE IO_THREAD");
    try {
      const sole = await until("c to stop acknowledging", () => observeWithPeers(a, [b, c]), (observation) => observation.mariadb!.semiSync.clients === 1 && observation.standbys.length === 2, 30_000, 100);
      expect(syncStates(sole)).toEqual([[b.name, "sync"], [c.name, "async"]].sort());
      // Both ends of the same fact: the replica's own report says it acknowledges.
      expect((await observe(b)).mariadb!.semiSync.replicaActive).toBe(true);
      // A short timeout with b not acknowledging: the next commit falls back to asynchronous.
      await trio.root(a, "SET GLOBAL rpl_semi_sync_master_timeout = 200");
      await trio.root(b, "STOP SLAVE IO_THREAD");
      await write(a, 1);
      const fellBack = await observeWithPeers(a, [b, c]);
      expect(fellBack.mariadb!.semiSync.primaryActive).toBe(false);
      expect(fellBack.standbys.every((standby) => standby.syncState === "async")).toBe(true);
    } finally {
      await trio.root(b, "START SLAVE IO_THREAD");
      await trio.root(a, `SET GLOBAL rpl_semi_sync_master_timeout = ${SEMI_SYNC_TIMEOUT_MS}`);
      await trio.root(c, "STOP SLAVE IO_THREAD");
      await trio.root(c, "SET GLOBAL rpl_semi_sync_slave_enabled = ON");
      await trio.root(c, "START SLAVE IO_THREAD");
    }
    // The primary turns semi-sync back on at an acknowledgement of a commit made after the replicas caught up.
    await until("both replicas to acknowledge again", async () => (await write(a, 1), observe(a)), (observation) => observation.mariadb!.semiSync.clients === 2 && observation.mariadb!.semiSync.primaryActive, 30_000, 100);
  });

  it("a witness asks for a probe at once when a peer ends its kept connection, not when it lets go of one itself", async () => {
    let asked = 0;
    const witness = new MariadbPeerProbes(undefined, () => (asked += 1));
    const peer = { replica: b.name, regionId: "aws:eu-west-1", connectionString: trio.url(b, "monitor") };
    const sessions = () => trio.root<{ id: number }>(b, "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?", [USERS.monitor.user]);
    try {
      expect((await witness.probePeer(peer, 5000)).probe).toMatchObject({ reachable: true, error: null });
      const [session] = await sessions();
      await trio.root(b, `KILL CONNECTION ${Number(session!.id)}`);
      await until("the witness to ask for a probe after the peer ended its session", async () => asked, (count) => count === 1, 30_000, 100);
      // A peer that ended one session but still answers is found reachable by that probe.
      expect((await witness.probePeer(peer, 5000)).probe).toMatchObject({ reachable: true, error: null });
    } finally {
      await witness.close();
    }
    await until("the peer to end the witness's session", sessions, (rows) => rows.length === 0, 30_000, 100);
    expect(asked).toBe(1);
  });

  it("a replica: received and applied positions, no lag once caught up, read-only, acknowledging", async () => {
    const [replica] = await caughtUp(b, a);
    expect(replica).toMatchObject({ role: "standby", lag: { bytes: 0, seconds: 0 }, walReceiver: { status: "streaming", senderPort: a.port }, settings: { default_transaction_read_only: "on" } });
    expect(replica.lsn.received).toBe(replica.lsn.replayed);
    expect(replica.mariadb).toMatchObject({ ioThread: "Yes", sqlThread: "Yes", transactionsBehind: 0, readOnly: true, semiSync: { replicaActive: true }, replicationErrors: [] });
  });

  it("a replica whose SQL thread is stopped lags by the GTID distance", async () => {
    await trio.root(c, "STOP SLAVE SQL_THREAD");
    await write(a, 3);
    const lagging = await until("c to have received 3 transactions it has not applied", () => observe(c), (observation) => observation.mariadb!.transactionsBehind === 3, 30_000, 100);
    expect(BigInt(lagging.lsn.received!) - BigInt(lagging.lsn.replayed!)).toBe(3n);
    expect(lagging.lag.bytes).toBeGreaterThan(0);
    await trio.root(c, "START SLAVE SQL_THREAD");
    await caughtUp(c, a);
  });

  it("a duplicate key while applying is a replication error and an apply conflict, until it is resolved", async () => {
    const id = ++nextId;
    // A row written on c alone, kept out of its binlog (else it would be an errant GTID of its own).
    await trio.rootSession(c, [["SET SESSION sql_log_bin = 0"], ["INSERT INTO sessions.sessions (id, payload) VALUES (?, 'only on c')", [id]]]);
    await trio.as(a, "app", "INSERT INTO sessions (id, payload) VALUES (?, 'from the primary')", [id]);
    acknowledged.push(id);
    const broken = await until("c's SQL thread to stop on the duplicate", () => observe(c), (observation) => observation.conflicts.logical === 1, 30_000, 100);
    expect(broken.conflicts.recovery).toBe(1);
    expect(broken.mariadb!.replicationErrors).toEqual([{ thread: "sql", errno: 1062, message: expect.stringContaining("Duplicate entry") }]);
    // The owner resolves it: the row the primary wrote wins.
    await trio.rootSession(c, [["SET SESSION sql_log_bin = 0"], ["DELETE FROM sessions.sessions WHERE id = ?", [id]]]);
    await trio.root(c, "START SLAVE");
    const healed = await caughtUp(c, a);
    expect(healed[0].conflicts).toEqual({ recovery: 0, logical: 0 });
  });
});

describe("failing over with the MariaDB executor", () => {
  let fencedFinal: { lsn: string; gtid: string };

  it("fence: read-only for applications, client sessions ended, the final GTID position reported", async () => {
    // c falls behind: only b will have everything the primary acknowledged.
    await trio.root(c, "STOP SLAVE IO_THREAD");
    await write(a, 4);
    const answer = await run(a, "fence", { terminateSessions: true });
    expect(answer.status).toBe("succeeded");
    const output = COMMAND_OUTPUTS.fence.parse(answer.output);
    fencedFinal = { lsn: output.finalLsn, gtid: output.finalGtid! };
    expect(parseGtidPosition(fencedFinal.gtid)).toEqual([{ domain: 0, server: 1, seq: BigInt(fencedFinal.lsn) }]);
    await expect(trio.as(a, "app", "INSERT INTO sessions (id, payload) VALUES (?, 'after the fence')", [++nextId])).rejects.toMatchObject({ errno: 1290 });
    expect(await run(a, "verify-write", { expect: "refused" })).toMatchObject({ status: "succeeded", output: { accepted: false } });
    expect((await observe(a)).mariadb!.readOnly).toBe(true);
  });

  it("the zero-loss proof: only the replica whose GTIDs contain the fenced primary's final position qualifies", async () => {
    const [replicaB, replicaC] = [await caughtUp(b, a).then(([observation]) => observation), await observe(c)];
    const final = parseGtidPosition(fencedFinal.gtid)!;
    expect(notReached(final, parseGtidPosition(replicaB.mariadb!.gtidIoPos)!)).toEqual([]);
    expect(notReached(final, parseGtidPosition(replicaC.mariadb!.gtidSlavePos)!)).toEqual(final);
    // The decision core's engine-neutral rule says the same with the positions the reports carry.
    expect(fencedPositionReplayed(BigInt(replicaB.lsn.replayed!), BigInt(fencedFinal.lsn))).toBe(true);
    expect(fencedPositionReplayed(BigInt(replicaC.lsn.replayed!), BigInt(fencedFinal.lsn))).toBe(false);
  });

  it("promote refuses a primary, and promotes a replica once its relay log is applied: writable, every acknowledged write there", async () => {
    expect(await run(a, "promote")).toMatchObject({ status: "refused", error: expect.stringContaining("already a primary") });
    const answer = await run(b, "promote", { waitSeconds: 30 });
    expect(answer.status, answer.error ?? "").toBe("succeeded");
    const output = COMMAND_OUTPUTS.promote.parse(answer.output);
    expect(output.timeline).toBeNull();
    expect(notReached(parseGtidPosition(fencedFinal.gtid)!, parseGtidPosition(output.gtid!.received)!)).toEqual([]);
    expect(BigInt(output.lsn)).toBeGreaterThanOrEqual(BigInt(fencedFinal.lsn));
    expect(await run(b, "verify-write", { expect: "accepted" })).toMatchObject({ status: "succeeded", output: { accepted: true } });
    expect(await observe(b)).toMatchObject({ role: "primary", walReceiver: null, mariadb: { readOnly: false } });
    expect(await ids(b)).toEqual(expect.arrayContaining(acknowledged));
    expect((await observe(b)).mariadb!.semiSync.primaryEnabled).toBe(false);
    await write(b, 3);
  });

  it("repoint: the lagging replica follows the new primary by GTID and catches up, nothing lost", async () => {
    const answer = await run(c, "repoint", { host: "127.0.0.1", port: b.port, slotName: null });
    expect(answer).toMatchObject({ status: "succeeded", output: { primaryHost: "127.0.0.1", primaryPort: b.port, rebuilt: null } });
    await caughtUp(c, b);
    expect(await ids(c)).toEqual(expect.arrayContaining(acknowledged));
    expect((await observe(c)).walReceiver).toMatchObject({ status: "streaming", senderPort: b.port });
  });

  it("naming semi-sync replicas: refused on a replica; on the new primary its commits then wait for the one that follows it, not for one that does not", async () => {
    expect(await run(c, "sync-standbys", { names: [c.name] })).toMatchObject({ status: "refused", error: expect.stringContaining("named on the primary") });
    expect(await run(b, "sync-standbys", { names: [a.name] })).toMatchObject({ status: "succeeded", output: { synchronousStandbyNames: "", streaming: [] } });
    expect((await observe(b)).mariadb!.semiSync.primaryEnabled).toBe(false);
    const answer = await run(b, "sync-standbys", { names: [c.name, a.name] });
    expect(answer).toMatchObject({ status: "succeeded", output: { synchronousStandbyNames: c.name, streaming: [c.name] } });
    const primary = await until("c to acknowledge b's commits", () => observe(b), (observation) => observation.mariadb!.semiSync.clients === 1, 30_000, 100);
    expect(primary.mariadb!.semiSync).toMatchObject({ primaryEnabled: true, primaryActive: true });
    await write(b, 2);
    expect((await observe(b)).mariadb!.semiSync.primaryActive).toBe(true);
  });

  it("rejoin: the former primary, holding nothing the new primary lacks, follows it without a rebuild", async () => {
    const answer = await run(a, "rewind", { host: "127.0.0.1", port: b.port, slotName: null });
    expect(answer, answer.error ?? "").toMatchObject({ status: "succeeded", output: { method: "following", timeline: null, formerDataKeptAt: null } });
    await write(b, 2);
    await caughtUp(a, b);
    expect(await ids(a)).toEqual(expect.arrayContaining(acknowledged));
    expect(await observe(a)).toMatchObject({ role: "standby", mariadb: { readOnly: true } });
  });
});

describe("errant transactions on a former primary", () => {
  const errantId = 1_000_000;

  /** a writes as if it were still a primary while cut off: a transaction b's history never gets. */
  async function errantWriteOn(node: MariadbNode): Promise<void> {
    await trio.root(node, "STOP SLAVE");
    await trio.root(node, "INSERT INTO sessions.sessions (id, payload) VALUES (?, 'errant')", [errantId]);
  }

  it("are detected by position (its GTID beyond the new primary's) and it is not rejoined, though its agent could keep its data: the command did not say rebuild", async () => {
    await errantWriteOn(a);
    const answer = await run(a, "rewind", { host: "127.0.0.1", port: b.port, slotName: null });
    expect(answer).toMatchObject({ status: "refused", error: expect.stringMatching(/not rejoined: it holds transactions .* its GTIDs 0-1-\d+ are not in the primary's history/) });
    expect(answer.error).toContain('as the service\'s policy says (failover.errantTransactions: refuse)');
    expect(answer.error).toMatch(/propose a change request setting the policy's failover\.errantTransactions to "rebuild" and, once it is approved and applied, run reinstate-former-primary/);
    expect(await observe(a)).toMatchObject({ role: "primary", mariadb: { readOnly: true } });
  });

  it("are detected by the new primary's binlog once it has written past them (error 1236), and it is not rejoined", async () => {
    await write(b, 5);
    const answer = await run(a, "rewind", { host: "127.0.0.1", port: b.port, slotName: null });
    expect(answer).toMatchObject({ status: "refused", error: expect.stringMatching(/not rejoined: .*errant GTIDs.*not in the master's binlog/s) });
    expect(await observe(a)).toMatchObject({ role: "primary", mariadb: { readOnly: true } });
    expect(await ids(a)).toContain(errantId);
  });

  it("when the command says rebuild but the agent config names no formerDataDir: refused, naming what to configure, its data untouched", async () => {
    const answer = await run(a, "rewind", { host: "127.0.0.1", port: b.port, slotName: null, errantTransactions: "rebuild" }, { keepsFormerData: false });
    expect(answer).toMatchObject({ status: "refused", error: expect.stringMatching(/was not rebuilt, though the service's policy says rebuild: .*names no formerDataDir .*switchyard-agent configure --former-data-dir <folder> for an enrolled agent, replica\.formerDataDir in a config file/s) });
    expect(await observe(a)).toMatchObject({ role: "primary", mariadb: { readOnly: true } });
    expect(await ids(a)).toContain(errantId);
  });

  it("when the command says rebuild (the service's policy): its old data is dumped aside, then it is a copy of the new primary and follows it", async () => {
    const answer = await run(a, "rewind", { host: "127.0.0.1", port: b.port, slotName: null, errantTransactions: "rebuild" });
    expect(answer.status, answer.error ?? "").toBe("succeeded");
    const output = COMMAND_OUTPUTS.rewind.parse(answer.output);
    expect(output).toMatchObject({ method: "logical-copy", timeline: null, note: expect.stringContaining("errant GTIDs") });
    expect(existsSync(output.formerDataKeptAt!)).toBe(true);
    expect(readFileSync(output.formerDataKeptAt!, "utf8")).toContain(`(${errantId},'errant')`);
    await write(b, 2);
    await caughtUp(a, b);
    const rows = await ids(a);
    expect(rows).not.toContain(errantId);
    expect(rows).toEqual(expect.arrayContaining(acknowledged));
  });
});

describe("the signed, epoch-fenced protocol, as a MariaDB agent's command loop runs it", () => {
  it("executes a signed fence on the primary, then refuses an older epoch's unfence, which stays fenced", async () => {
    const signer = await createTestSigner({ agentName: "sessions-agent", replica: b.name, serviceId: "sessions-db" });
    const pending: { id: string; token: string }[] = [];
    const results = new Map<string, CommandResult>();
    const controlPlane = http.createServer((request, response) => {
      const url = request.url ?? "";
      if (request.method === "GET" && url.startsWith(`${COMMANDS_PATH}?`)) {
        const answer = () => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ commands: pending, keyStatements: [] }));
        return void setTimeout(answer, pending.length ? 0 : 100);
      }
      const match = /^\/api\/v1\/agents\/commands\/([^/]+)\/result$/.exec(url);
      if (request.method !== "POST" || !match) return void response.writeHead(404).end();
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const id = decodeURIComponent(match[1]!);
        results.set(id, commandResultSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        pending.splice(pending.findIndex((command) => command.id === id), 1);
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    const controlPlaneUrl = await listenLocally(controlPlane);
    const queueDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-mariadb-agent-"));
    const config = parseAgentConfig(
      {
        controlPlaneUrl,
        token: "agent-token",
        agentName: "sessions-agent",
        replica: { name: b.name, regionId: "aws:eu-west-1", engine: "mariadb", connectionString: trio.url(b, "monitor") },
        queue: { dir: queueDir },
        commands: { publicKey: signer.publicKeyPem, pollSeconds: 1, connectionString: trio.url(b, "admin") },
        replication: REPLICATION,
      },
      path.join(queueDir, "agent.json"),
    );
    const loop = commandLoopFor(config, await CommandKeyRing.open(null, signer.publicKeyPem), new AgentMetrics({ processMetrics: false }), createLogger("sessions-agent", () => {}));
    try {
      loop!.start();
      const fence = signer.claims({ kind: "fence", args: { terminateSessions: true }, epoch: 2 });
      pending.push({ id: fence.jti, token: await signer.sign(fence) });
      await until("the fence's result", async () => results.get(fence.jti), (result) => result !== undefined, 30_000, 100);
      expect(results.get(fence.jti)).toMatchObject({ status: "succeeded", agentEpoch: 2, output: { finalGtid: expect.stringMatching(/^0-2-\d+$/) } });
      expect((await observe(b)).mariadb!.readOnly).toBe(true);

      const stale = signer.claims({ kind: "unfence", args: {}, epoch: 1 });
      pending.push({ id: stale.jti, token: await signer.sign(stale) });
      await until("the stale command's result", async () => results.get(stale.jti), (result) => result !== undefined, 30_000, 100);
      expect(results.get(stale.jti)).toMatchObject({ status: "refused", error: expect.stringMatching(/epoch/) });
      expect((await observe(b)).mariadb!.readOnly).toBe(true);
    } finally {
      await loop?.stop();
      await closeAbruptly(controlPlane);
      rmSync(queueDir, { recursive: true, force: true });
    }
  });
});

describe("killing the semi-synchronous primary mid-write", () => {
  it("the replica that received most holds every acknowledged write once promoted; the killed primary restarts read-only", async () => {
    expect(await run(b, "unfence")).toMatchObject({ status: "succeeded" });
    await until("both replicas to acknowledge b's commits", () => observe(b), (observation) => observation.mariadb!.semiSync.primaryActive && observation.mariadb!.semiSync.clients === 2, 30_000, 100);
    const before = acknowledged.length;
    let failure: unknown = null;
    const writer = (async () => {
      for (;;) {
        try {
          await write(b, 1);
        } catch (error) {
          failure = error;
          return;
        }
      }
    })();
    await until("30 acknowledged writes on b", async () => acknowledged.length, (count) => count >= before + 30, 30_000, 100);
    await trio.stop(b, "SIGKILL");
    await writer;
    expect(failure).not.toBeNull();

    const [onA, onC] = [await observe(a), await observe(c)];
    const chosen = BigInt(onA.lsn.received!) >= BigInt(onC.lsn.received!) ? a : c;
    const answer = await run(chosen, "promote", { waitSeconds: 30 });
    expect(answer.status, answer.error ?? "").toBe("succeeded");
    expect(await ids(chosen)).toEqual(expect.arrayContaining(acknowledged));

    await trio.start(b);
    expect(await observe(b)).toMatchObject({ role: "primary", mariadb: { readOnly: true } });
    await expect(trio.as(b, "app", "INSERT INTO sessions (id, payload) VALUES (?, 'after the restart')", [++nextId])).rejects.toMatchObject({ errno: 1290 });
  });
});
