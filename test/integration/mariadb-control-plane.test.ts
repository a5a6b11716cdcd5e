import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { POST as approveChangeRoute } from "@/app/api/v1/change-requests/[id]/approve/route";
import { POST as proposeChangeRoute } from "@/app/api/v1/change-requests/route";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { GET as runRoute } from "@/app/api/v1/runs/[id]/route";
import { POST as confirmRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import { GET as serviceRoute } from "@/app/api/v1/services/[id]/route";
import { POST as applyRoute } from "@/app/api/v1/topology/apply/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { changeRequestSchema } from "@/contracts/change-requests";
import type { PolicyDocument } from "@/contracts/policy";
import { runSchema, type RunView } from "@/contracts/runs";
import { serviceDetailSchema } from "@/contracts/services";
import type { FleetService } from "@/contracts/topology";
import { importCommandKey, verifyCommand } from "@/agents/commands/verify-command";
import { errantByPosition, notReached, parseGtidPosition } from "@/agents/mariadb/gtid";
import { MariadbAdapter } from "@/agents/mariadb/mariadb-adapter";
import { MariadbExecutor } from "@/agents/mariadb/mariadb-executor";
import { MariadbPeerProbes } from "@/agents/mariadb/peer-probes";
import { SEMI_SYNC_TIMEOUT_MS } from "@/lab/mariadb/mariadb-server";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { recordCommandResult } from "@/server/commands/record-command-result";
import { db } from "@/server/db/client";
import { executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { effectivePolicies } from "@/server/policy/effective-policy";
import { liveFleetDocument } from "@/server/topology/export-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { MariadbTrio, USERS, type MariadbNode } from "../support/mariadb-trio";
import { batchOf } from "../support/reports";

/**
 * A MariaDB service under the control plane: declared by a fleet document
 * (engine mariadb), its agents' reports, measured on three real MariaDB
 * servers by the MariaDB adapter, accepted and stored with their positions
 * and GTIDs, and the service shown like a PostgreSQL one; then a planned
 * switchover run by the control plane's run engine, its signed commands
 * verified and carried out on the real servers by the MariaDB executor, the
 * promotion cross-checked against the old primary's agent's own read of the
 * target server.
 */

let trio: MariadbTrio;
let admin: string;
let operator: string;
/** Two approvers besides the admin who proposes: the global policy's safety-relevant changes need two. */
let approvers: string[];
const tokens: Record<string, string> = {};
const principals: Record<string, AgentPrincipal> = {};
const seqs: Record<string, number> = {};
const nextSeq = (name: string) => (seqs[name] = (seqs[name] ?? 0) + 1);

function sessionsDb(nodes: MariadbNode[]): FleetService {
  return {
    id: "sessions-db",
    name: "Sessions database",
    description: "MariaDB with GTID replication, semi-synchronous for sessions.",
    labels: {},
    engine: "mariadb",
    primary: nodes[0]!.name,
    datasets: [{ name: "sessions", ownerTeam: "identity", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
    replicas: nodes.map((node, index) => ({
      name: node.name,
      region: REGIONS[index]!,
      host: "127.0.0.1",
      port: node.port,
      database: "sessions",
      replication: index === 2 ? "async" : "sync",
      promotionPriority: 100 - index * 10,
      noPromote: false,
      witnessOnly: false,
    })),
  };
}

/** One agent tick: the local server probed, the peers witnessed with the monitoring user, as a lab agent does. */
async function report(node: MariadbNode): Promise<AgentReport> {
  const adapter = new MariadbAdapter(trio.url(node, "monitor"), 5000);
  const witness = new MariadbPeerProbes();
  try {
    const peers = trio.nodes.filter((peer) => peer !== node).map((peer) => ({ replica: peer.name, regionId: REGIONS[trio.nodes.indexOf(peer)]!, connectionString: trio.url(peer, "monitor") }));
    const [observation, probes] = await Promise.all([adapter.probe(), witness.probe(peers, 5000)]);
    return { seq: nextSeq(node.name), observedAt: new Date().toISOString(), ...observation, peers: probes.map((probe) => probe.probe) };
  } finally {
    await Promise.all([adapter.close(), witness.close()]);
  }
}

async function post(node: MariadbNode, measured: AgentReport): Promise<void> {
  const posted = await call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token: tokens[node.name], body: batchOf([measured]) });
  expect(posted.status, JSON.stringify(posted.json)).toBe(200);
}

const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  trio = await MariadbTrio.start(["sess-us-east-1", "sess-eu-west-1", "sess-europe-west3"]);
  await seedDemoTopology(db());
  admin = await tokenFor((await createTestUser("mariadb-admin@example.com", ["admin"])).id);
  operator = await tokenFor((await createTestUser("mariadb-operator@example.com", ["operator"])).id);
  approvers = await Promise.all(["first", "second"].map(async (who) => tokenFor((await createTestUser(`mariadb-${who}-approver@example.com`, ["approver"])).id)));
});

afterAll(async () => {
  await trio?.stopAll();
  for (const folder of Object.values(formerDataDirs)) rmSync(folder, { recursive: true, force: true });
});

describe("a MariaDB service under the control plane", () => {
  it("is declared by a fleet document with engine mariadb", async () => {
    const document = await liveFleetDocument();
    const applied = await call(applyRoute, { method: "POST", token: admin, body: { document: { ...document, services: [...document.services, sessionsDb(trio.nodes)] }, reason: "onboard sessions-db" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    expect(await db().service.findUniqueOrThrow({ where: { id: "sessions-db" } })).toMatchObject({ engine: "mariadb" });
    expect((await liveFleetDocument()).services.find((service) => service.id === "sessions-db")).toMatchObject({ engine: "mariadb", primary: "sess-us-east-1" });
    for (const node of trio.nodes) {
      const replica = await db().replica.findFirstOrThrow({ where: { serviceId: "sessions-db", name: node.name } });
      const registered = await registerAgent({ replicaId: replica.id, name: `agent-${node.name}` }, SYSTEM_ACTOR);
      tokens[node.name] = registered.token;
      principals[node.name] = { type: "agent", agentId: registered.agent.id, name: registered.agent.name, replicaId: replica.id, serviceId: "sessions-db" };
    }
  });

  it("takes its agents' reports as measured on MariaDB, positions and GTIDs stored", async () => {
    await trio.as(trio.nodes[0]!, "app", "INSERT INTO sessions (id, payload) VALUES (1, 'a session')");
    for (const [index, node] of trio.nodes.entries()) {
      let measured = await report(node);
      // The replicas may still be applying what the setup wrote.
      for (let attempt = 2; index > 0 && measured.lag.bytes !== 0 && attempt < 100; attempt += 1) measured = await report(node);
      await post(node, measured);
      const replica = await db().replica.findFirstOrThrow({ where: { serviceId: "sessions-db", name: node.name } });
      const state = await db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id } });
      const stored = state.report as AgentReport;
      expect(stored.engine).toBe("mariadb");
      if (index === 0) {
        expect(state).toMatchObject({ role: "primary", currentLsn: BigInt(measured.lsn.current!) });
        expect(stored.mariadb?.gtidBinlogPos).toBe(`0-1-${measured.lsn.current}`);
      } else {
        expect(state).toMatchObject({ role: "standby", replayedLsn: BigInt(measured.lsn.replayed!), lagBytes: 0n });
        expect(stored.mariadb?.gtidSlavePos).toBe(`0-1-${measured.lsn.replayed}`);
      }
    }
  });

  it("is shown like a PostgreSQL service: engine, replicas, roles, lag", async () => {
    const { status, json } = await call(serviceRoute, { path: "/api/v1/services/sessions-db", token: admin, params: { id: "sessions-db" } });
    expect(status).toBe(200);
    const detail = serviceDetailSchema.parse(json);
    expect(detail.engine).toBe("mariadb");
    const primary = detail.replicas.find((replica) => replica.name === "sess-us-east-1")!;
    expect(primary.live.gtid).toEqual({ current: `0-1-${primary.live.lsn.current}`, received: null, replayed: null });
    const replica = detail.replicas.find((candidate) => candidate.name === "sess-eu-west-1")!;
    expect(replica.live.gtid).toMatchObject({ replayed: `0-1-${replica.live.lsn.replayed}` });
    expect(detail.replicas.map((replica) => [replica.name, replica.role])).toEqual(
      expect.arrayContaining([
        ["sess-us-east-1", "primary"],
        ["sess-eu-west-1", "standby"],
        ["sess-europe-west3", "standby"],
      ]),
    );
  });
});

/** Each node's agent config's formerDataDir (agents/config.ts), where a rebuild dumps its old data; none unless a test sets one. */
const formerDataDirs: Record<string, string> = {};

/**
 * Carries out every open command the way the node's agent would: the token
 * verified with the control plane's current key (signature, audience,
 * replica, arguments), executed by the MariaDB executor on the node's
 * server, and the answer recorded through the agents' result path.
 */
async function carryOutCommands(): Promise<void> {
  const open = await db().agentCommand.findMany({ where: { status: { in: ["pending", "delivered"] }, serviceId: "sessions-db" }, include: { agent: { include: { replica: true } } }, orderBy: { createdAt: "asc" } });
  if (!open.length) return;
  const current = await db().commandKey.findMany({ where: { state: "current" } });
  const imported = new Map(await Promise.all(current.map(async (key) => [key.id, await importCommandKey(key.publicKey)] as const)));
  const keys = { ids: [...imported.keys()], keyFor: (id: string) => imported.get(id) };
  for (const command of open) {
    const node = trio.node(command.agent.replica.name);
    const verified = await verifyCommand(command.id, command.token, { keys, agentName: command.agent.name, replicaName: node.name });
    if (!verified.ok) throw new Error(`the agent of ${node.name} would refuse ${command.kind}: ${verified.reason}`);
    const executor = new MariadbExecutor({
      connectionString: trio.url(node, "admin"),
      applicationConnectionString: trio.url(node, "monitor"),
      replicaName: node.name,
      replication: { user: USERS.replication.user, password: USERS.replication.password },
      formerDataDir: formerDataDirs[node.name] ?? null,
    });
    const answer = await executor.execute(verified.command);
    await recordCommandResult(principals[node.name]!, command.id, { ...answer, agentEpoch: verified.command.claims.epoch } as Parameters<typeof recordCommandResult>[2]);
  }
}

/**
 * Moves a run to its end as the control plane and the agents would: executor
 * ticks, the operator's confirmation, each open command carried out on the
 * real servers, every node's report posted. `beforeCommands` sees the run
 * before its open commands are carried out.
 */
async function driveRun(runId: string, beforeCommands: (run: RunView) => Promise<void> = async () => {}): Promise<RunView> {
  const failOnError = (line: string) => {
    throw new Error(`executor: ${line}`);
  };
  const deadline = Date.now() + 120_000;
  let run = await runView(runId);
  while (!["succeeded", "failed", "aborted"].includes(run.status) && Date.now() < deadline) {
    await executorTick("mariadb-test", failOnError);
    run = await runView(runId);
    if (run.steps.find((step) => step.stepId === "confirm")?.state === "waiting") {
      expect((await call(confirmRoute, { method: "POST", token: operator, params: { id: runId, stepId: "confirm" }, body: { note: "go" } })).status).toBe(200);
    }
    await beforeCommands(run);
    await carryOutCommands();
    for (const node of trio.nodes) await post(node, await report(node));
  }
  return runView(runId);
}

async function startSwitchover(toRegion: string, reason: string): Promise<string> {
  const started = await call(startRoute, { method: "POST", token: operator, params: { id: "planned-switchover" }, body: { params: { service: "sessions-db", to_region: toRegion, reason } } });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  return runSchema.parse(started.json).id;
}

describe("a planned switchover of the MariaDB service, run by the control plane on the real servers", () => {
  it("fences the primary, promotes the semi-synchronous replica on the old primary's agent's read of it, and rejoins the old primary", async () => {
    const [us, eu, europe] = trio.nodes as [MariadbNode, MariadbNode, MariadbNode];
    for (let id = 100; id < 110; id += 1) await trio.as(us, "app", "INSERT INTO sessions (id, payload) VALUES (?, 'before the switchover')", [id]);
    const epochBefore = (await db().service.findUniqueOrThrow({ where: { id: "sessions-db" } })).epoch;
    for (const node of trio.nodes) await post(node, await report(node));

    const runId = await startSwitchover("aws:eu-west-1", "integration test: MariaDB switchover");
    const run = await driveRun(runId);
    expect(run.status, JSON.stringify(run.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");

    const service = await db().service.findUniqueOrThrow({ where: { id: "sessions-db" }, include: { writeReplica: true } });
    expect(service.writeReplica?.name).toBe(eu.name);
    expect(service.epoch).toBe(epochBefore + 1);
    // The proof: the primary's side saw the target's position through its agent's own read, and the GTIDs are in it.
    const proof = (await db().auditEvent.findFirstOrThrow({ where: { action: "service.epoch", runId } })).details as {
      proof: { crossChecked: { check: string; sentence: string }[]; positionNotation?: { fencedFinal: string | null; targetReceived: string | null; targetApplied: string | null } };
    };
    expect(proof.proof.crossChecked.find((entry) => entry.check === "primary-saw-target-flush")?.sentence).toMatch(/by the primary's agent's own read of the target server$/);
    expect(proof.proof.crossChecked.map((entry) => entry.check)).toContain("fence-covers-standby-reports");
    // The zero-loss proof as GTID sets: everything the fenced primary wrote is in what the target received and applied.
    const notation = proof.proof.positionNotation!;
    expect(notation.fencedFinal).toMatch(/^0-1-\d+$/);
    expect(notation.targetReceived).toMatch(/^0-1-\d+$/);
    expect(notation.targetApplied).toMatch(/^0-1-\d+$/);
    expect(notReached(parseGtidPosition(notation.fencedFinal)!, parseGtidPosition(notation.targetApplied)!)).toEqual([]);
    const promoted = await db().auditEvent.findFirstOrThrow({ where: { action: "agent.command_result", runId, details: { path: ["kind"], equals: "promote" } } });
    const applied = (promoted.details as { output: { gtid: { applied: string } } }).output.gtid.applied;
    expect(notReached(parseGtidPosition(notation.fencedFinal)!, parseGtidPosition(applied)!)).toEqual([]);

    // Writes go to the new primary, the old one and the other replica follow it, and nothing acknowledged before is missing.
    await trio.as(eu, "app", "INSERT INTO sessions (id, payload) VALUES (200, 'after the switchover')");
    for (const node of [us, europe]) {
      const deadlineRows = Date.now() + 30_000;
      let ids: number[] = [];
      while (Date.now() < deadlineRows) {
        ids = (await trio.root<{ id: number }>(node, "SELECT id FROM sessions.sessions WHERE id >= 100 ORDER BY id")).map((row) => Number(row.id));
        if (ids.includes(200)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ids).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 200]);
    }
    const [old] = await trio.root<{ read_only: string | number }>(us, "SELECT @@read_only AS read_only");
    expect(Number(old?.read_only)).toBe(1);
  }, 180_000);
});

describe("a switchover whose rejoin meets a former MariaDB primary with errant transactions", () => {
  const errantId = 7_000_000;
  let runId: string;
  let errantPosition: string;

  it("refuses the rejoin, naming the errant GTIDs and what to do; the run fails there, after the promotion", async () => {
    const [us, eu, europe] = trio.nodes as [MariadbNode, MariadbNode, MariadbNode];
    await trio.as(eu, "app", "INSERT INTO sessions (id, payload) VALUES (300, 'before the switch back')");
    runId = await startSwitchover("aws:us-east-1", "integration test: MariaDB switch back");
    const run = await driveRun(runId, async () => {
      const rejoin = await db().agentCommand.findFirst({ where: { runId, kind: "rewind", status: { in: ["pending", "delivered"] } } });
      if (!rejoin || errantPosition) return;
      // A session with READ ONLY ADMIN writes on the fenced old primary after the promotion: a transaction the new primary never gets.
      // Its replicas have left it, so the commit would wait out the lab's whole semi-sync timeout (as long as the statement's own
      // bound) before committing asynchronously; a short timeout stands for a write made that long ago.
      await trio.root(eu, "SET GLOBAL rpl_semi_sync_master_timeout = 200");
      await trio.root(eu, "INSERT INTO sessions.sessions (id, payload) VALUES (?, 'errant')", [errantId]);
      await trio.root(eu, `SET GLOBAL rpl_semi_sync_master_timeout = ${SEMI_SYNC_TIMEOUT_MS}`);
      errantPosition = (await trio.root<{ pos: string }>(eu, "SELECT @@gtid_binlog_pos AS pos"))[0]!.pos;
    });
    expect(errantPosition, "the rejoin step was never reached").toMatch(/^0-2-\d+$/);

    const { status, json } = await call(runRoute, { path: `/api/v1/runs/${runId}`, token: operator, params: { id: runId } });
    expect(status).toBe(200);
    const shown = runSchema.parse(json);
    expect(shown.status, JSON.stringify(run.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("failed");
    const state = (stepId: string) => shown.steps.find((step) => step.stepId === stepId)?.state;
    expect([state("promote-target"), state("switch-route"), state("sync-before-rejoin"), state("rejoin-old-primary"), state("restore-sync")]).toEqual(["succeeded", "succeeded", "succeeded", "failed", "pending"]);
    // The only other synchronous replica is the former primary, not streaming: the new primary names none, and commits wait for none.
    expect(shown.steps.find((step) => step.stepId === "sync-before-rejoin")?.output).toEqual({ [us.name]: { synchronousStandbyNames: "", streaming: [] } });
    const rejoin = shown.steps.find((step) => step.stepId === "rejoin-old-primary")!;
    // What the run page shows under the step and in its alert: the errant GTIDs against the new primary's history, and what to do.
    expect(rejoin.error).toMatch(
      new RegExp(`^${eu.name}: refused \\(${eu.name} was not rejoined: it holds transactions the primary at 127\\.0\\.0\\.1:${us.port} does not: its GTIDs ${errantPosition} are not in the primary's (history|binlog) \\(0-1-\\d+\\)`),
    );
    expect(rejoin.error).toMatch(
      /keeps its data, as the service's policy says \(failover\.errantTransactions: refuse\)\. Recover what those transactions wrote .* propose a change request setting the policy's failover\.errantTransactions to "rebuild" and, once it is approved and applied, run reinstate-former-primary/,
    );
    expect(await signedRewindArgs(runId)).toMatchObject({ errantTransactions: "refuse" });
    expect(shown.error).toBe(`The old primary rejoins as a standby of the new one: ${rejoin.error}`);
    expect((await db().service.findUniqueOrThrow({ where: { id: "sessions-db" }, include: { writeReplica: true } })).writeReplica?.name).toBe(us.name);
    await trio.as(us, "app", "INSERT INTO sessions (id, payload) VALUES (301, 'after the switch back')");
    await until(async () => (await trio.root<{ id: number }>(europe, "SELECT id FROM sessions.sessions WHERE id = 301")).length, (rows) => rows === 1, "europe to follow the new primary");
  }, 180_000);

  it("leaves the former primary read-only, replicating from none and unwritten, its errant row kept and on no other server", async () => {
    const [us, eu, europe] = trio.nodes as [MariadbNode, MariadbNode, MariadbNode];
    const [server] = await trio.root<{ read_only: number; pos: string }>(eu, "SELECT @@read_only AS read_only, @@gtid_binlog_pos AS pos");
    expect({ readOnly: Number(server!.read_only), pos: server!.pos }).toEqual({ readOnly: 1, pos: errantPosition });
    expect(await trio.root(eu, "SHOW ALL SLAVES STATUS")).toEqual([]);
    expect(await trio.root(eu, "SELECT payload FROM sessions.sessions WHERE id = ?", [errantId])).toEqual([{ payload: "errant" }]);
    for (const node of [us, europe]) expect(await trio.root(node, "SELECT id FROM sessions.sessions WHERE id = ?", [errantId])).toEqual([]);
  });

  it("shows it as an unhealthy standby that follows nothing, its GTIDs in view", async () => {
    const eu = trio.nodes[1]!;
    await post(eu, await report(eu));
    const { json } = await call(serviceRoute, { path: "/api/v1/services/sessions-db", token: admin, params: { id: "sessions-db" } });
    const former = serviceDetailSchema.parse(json).replicas.find((replica) => replica.name === eu.name)!;
    expect(former).toMatchObject({ role: "standby", live: { health: "unhealthy", reportedRole: "primary", gtid: { current: errantPosition } } });
    expect(former.live.reasons[0]).toBe("not following the primary: it reports itself as primary; the topology says standby");
  });

  it("audits the refusal with the GTID sets that prove it", async () => {
    const eu = trio.nodes[1]!;
    const refusal = await db().auditEvent.findFirstOrThrow({ where: { action: "agent.command_result", runId, details: { path: ["kind"], equals: "rewind" } } });
    expect(refusal).toMatchObject({ outcome: "failure", reason: expect.stringMatching(new RegExp(`its GTIDs ${errantPosition} are not in the primary's (history|binlog)`)) });
    const { output } = refusal.details as { output: { errantGtids: { errant: string; provenBy: string; formerPosition: string; primaryPosition: string } } };
    expect(output.errantGtids).toEqual({ errant: errantPosition, provenBy: expect.any(String), formerPosition: errantPosition, primaryPosition: expect.stringMatching(/^0-1-\d+$/) });
    // By position when the new primary has not written past it; by the new primary's binlog (error 1236) once it has (its verify-write).
    const [former, primary] = [parseGtidPosition(output.errantGtids.formerPosition)![0]!, parseGtidPosition(output.errantGtids.primaryPosition)![0]!];
    expect(former.server).toBe(eu.serverId);
    expect(output.errantGtids.provenBy).toBe(errantByPosition([former], [primary]).length ? "position" : "primary-binlog");
    expect(refusal.actorLabel).toBe(`agent-${eu.name}`);
  });

  it("is not rebuilt on its agent's say: with a formerDataDir configured but the policy saying refuse, reinstate-former-primary is refused and it keeps its data", async () => {
    const eu = trio.nodes[1]!;
    formerDataDirs[eu.name] = mkdtempSync(path.join(os.tmpdir(), "switchyard-mariadb-former-"));
    const run = await driveRun(await startReinstate("integration test: reinstate while the policy refuses"));
    expect(run.status).toBe("failed");
    const rewind = run.steps.find((step) => step.stepId === "rewind-former-primary")!;
    expect([rewind.state, run.steps.find((step) => step.stepId === "restore-sync")?.state]).toEqual(["failed", "pending"]);
    expect(rewind.error).toMatch(new RegExp(`^${eu.name}: refused \\(${eu.name} was not rejoined: .* as the service's policy says \\(failover\\.errantTransactions: refuse\\)`));
    expect(await signedRewindArgs(run.id)).toMatchObject({ errantTransactions: "refuse" });
    expect(await trio.root(eu, "SELECT payload FROM sessions.sessions WHERE id = ?", [errantId])).toEqual([{ payload: "errant" }]);
    expect(readdirSync(formerDataDirs[eu.name]!)).toEqual([]);
  }, 180_000);

  it("rebuilds it once the service's policy says so, changed through a change request two approvers approve: its old data dumped aside, then it follows the primary", async () => {
    const [us, eu] = trio.nodes as [MariadbNode, MariadbNode, MariadbNode];
    await changeSessionsPolicy((document) => (document.failover.errantTransactions = "rebuild"), "rebuild sess-eu-west-1, whose errant write was recovered from its binlog");
    const run = await driveRun(await startReinstate("integration test: rebuild after errant GTIDs"));
    expect(run.status, JSON.stringify(run.steps.map((step) => [step.stepId, step.state, step.error]))).toBe("succeeded");
    expect(await signedRewindArgs(run.id)).toMatchObject({ errantTransactions: "rebuild" });
    const rewound = run.steps.find((step) => step.stepId === "rewind-former-primary")!.output as Record<string, { method: string; note: string; formerDataKeptAt: string }>;
    expect(rewound[eu.name]).toMatchObject({ method: "logical-copy", note: expect.stringMatching(new RegExp(`its GTIDs ${errantPosition} are not in the primary's (history|binlog)`)) });
    expect(path.dirname(rewound[eu.name]!.formerDataKeptAt)).toBe(formerDataDirs[eu.name]);
    expect(readFileSync(rewound[eu.name]!.formerDataKeptAt, "utf8")).toContain(`(${errantId},'errant')`);
    await trio.as(us, "app", "INSERT INTO sessions (id, payload) VALUES (302, 'after the rebuild')");
    const rows = await until(async () => (await trio.root<{ id: number }>(eu, "SELECT id FROM sessions.sessions WHERE id >= 300 ORDER BY id")).map((row) => Number(row.id)), (ids) => ids.includes(302), "the rebuilt replica to follow");
    expect(rows).toEqual([300, 301, 302]);
    // Its last step names the semi-synchronous replicas again: the switch back's run never got that far.
    expect(Number((await trio.root<{ enabled: number }>(us, "SELECT @@rpl_semi_sync_master_enabled AS enabled"))[0]?.enabled)).toBe(1);
  }, 180_000);
});

async function startReinstate(reason: string): Promise<string> {
  const started = await call(startRoute, { method: "POST", token: operator, params: { id: "reinstate-former-primary" }, body: { params: { service: "sessions-db", region: "aws:eu-west-1", reason } } });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  return runSchema.parse(started.json).id;
}

/** The args of the run's rewind command as the control plane signed them (the token's claims, which the agent verifies). */
async function signedRewindArgs(runId: string): Promise<Record<string, unknown>> {
  const command = await db().agentCommand.findFirstOrThrow({ where: { runId, kind: "rewind" } });
  return (JSON.parse(Buffer.from(command.token.split(".")[1]!, "base64url").toString("utf8")) as { args: Record<string, unknown> }).args;
}

/**
 * Changes sessions-db's policy as governance does: an admin proposes it
 * through the API, it is safety-relevant, and it is applied once two other
 * people with the approver role have approved it.
 */
async function changeSessionsPolicy(change: (document: PolicyDocument) => void, reason: string): Promise<void> {
  const document = structuredClone((await effectivePolicies(["sessions-db"])).get("sessions-db")!.document);
  change(document);
  const proposed = await call(proposeChangeRoute, { method: "POST", token: admin, body: { serviceId: "sessions-db", document, reason } });
  expect(proposed.status, JSON.stringify(proposed.json)).toBe(201);
  const request = changeRequestSchema.parse(proposed.json);
  expect(request).toMatchObject({ requiredApprovals: 2, safetyRelevantFields: ["failover.errantTransactions"] });
  expect(request.consequences).toContainEqual(expect.stringMatching(/^failover\.errantTransactions refuse → rebuild: a former primary of sessions-db holding transactions the new primary lacks is rebuilt/));
  expect((await call(approveChangeRoute, { method: "POST", token: admin, params: { id: request.id }, body: {} })).status).toBe(403);
  let answer: unknown;
  for (const approver of approvers) {
    const approved = await call(approveChangeRoute, { method: "POST", token: approver, params: { id: request.id }, body: {} });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    answer = approved.json;
  }
  expect(answer).toMatchObject({ status: "applied" });
}
