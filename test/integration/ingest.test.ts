import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as regionsRoute } from "@/app/api/v1/regions/route";
import { GET as serviceRoute } from "@/app/api/v1/services/[id]/route";
import { type AgentReport, MAX_REPORTS_PER_BATCH } from "@/contracts/agent-reports";
import { regionStateListSchema, serviceDetailSchema } from "@/contracts/services";
import { registerAgent } from "@/server/agents/register-agent";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { readTopology } from "@/server/topology/read-topology";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

const tokens: Record<string, string> = {};
const agentIds: Record<string, string> = {};
let viewerToken: string;

async function replicaId(name: string) {
  return (await db().replica.findFirstOrThrow({ where: { name } })).id;
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"]) {
    const issued = await registerAgent({ replicaId: await replicaId(name), name: `agent-${name}` }, SYSTEM_ACTOR);
    tokens[name] = issued.token;
    agentIds[name] = issued.agent.id;
  }
  viewerToken = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

const post = (agent: string, body: unknown, extra: { rawBody?: string } = {}) =>
  call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token: tokens[agent], body, ...extra });

async function stored(agent: string) {
  const samples = await db().sample.findMany({ where: { agentId: agentIds[agent] }, orderBy: { seq: "asc" }, select: { seq: true } });
  return samples.map((sample) => Number(sample.seq));
}

describe("report ingest", () => {
  it("stores a batch, the replica's latest state and the agent's heartbeat", async () => {
    const { status, json } = await post("pg-eu-west-1", batchOf([standbyReport(1), standbyReport(2, { lag: { bytes: 4096, seconds: 0.3 } })]));
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 2, lastSeq: 2 });
    expect(Math.abs(json.clockSkewMs)).toBeLessThan(5_000);
    expect(await stored("pg-eu-west-1")).toEqual([1, 2]);
    const state = await db().replicaState.findUniqueOrThrow({ where: { replicaId: await replicaId("pg-eu-west-1") } });
    expect(state).toMatchObject({ lastSeq: 2n, lagBytes: 4096n, lagSeconds: 0.3, role: "standby", replayedLsn: 50331648n });
    const agent = await db().agent.findUniqueOrThrow({ where: { id: agentIds["pg-eu-west-1"] } });
    expect(agent.lastSeq).toBe(2n);
    expect(agent.lastHeartbeatAt).not.toBeNull();
    expect(agent.version).toBe("test");
  });

  it("refuses a replayed batch with 409 and the last stored seq, writing nothing", async () => {
    const { status, json } = await post("pg-eu-west-1", batchOf([standbyReport(1), standbyReport(2)]));
    expect(status).toBe(409);
    expect(json).toMatchObject({ lastSeq: 2, error: { code: "conflict" } });
    expect(await stored("pg-eu-west-1")).toEqual([1, 2]);
  });

  it("refuses a batch overlapping what is stored, then takes the rest", async () => {
    expect((await post("pg-eu-west-1", batchOf([standbyReport(2), standbyReport(3)]))).status).toBe(409);
    expect(await stored("pg-eu-west-1")).toEqual([1, 2]);
    expect((await post("pg-eu-west-1", batchOf([standbyReport(3), standbyReport(4)]))).status).toBe(200);
    expect(await stored("pg-eu-west-1")).toEqual([1, 2, 3, 4]);
  });

  it("stores a batch delivered twice at the same moment exactly once", async () => {
    const batch = batchOf([standbyReport(5), standbyReport(6), standbyReport(7)]);
    const answers = await Promise.all([post("pg-eu-west-1", batch), post("pg-eu-west-1", batch), post("pg-eu-west-1", batch)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect(await stored("pg-eu-west-1")).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("accepts a gap (reports the agent's queue had to drop) and records the drop count", async () => {
    expect((await post("pg-eu-west-1", batchOf([standbyReport(20)], { droppedReports: 12 }))).status).toBe(200);
    expect((await db().agent.findUniqueOrThrow({ where: { id: agentIds["pg-eu-west-1"] } })).droppedReports).toBe(12);
  });

  it("refuses a sequence number no agent can have reached (one stolen-token post of 2^53 − 1), writing nothing, and the replica keeps reporting", async () => {
    const before = await stored("pg-eu-west-1");
    const stolen = await post("pg-eu-west-1", batchOf([standbyReport(Number.MAX_SAFE_INTEGER)]));
    expect(stolen.status).toBe(400);
    expect(stolen.json.error).toMatchObject({ code: "validation_failed", field: "reports.0.seq" });
    expect(stolen.json.error.message).toMatch(/^reports\.0\.seq: 9007199254740991 is beyond \d+, the highest this agent can have reached \(seq 20 stored/);
    // A batch that starts where it should but ends out of reach is refused whole.
    const tail = await post("pg-eu-west-1", batchOf([standbyReport(21), standbyReport(Number.MAX_SAFE_INTEGER)]));
    expect(tail.json.error.field).toBe("reports.1.seq");
    expect(await stored("pg-eu-west-1")).toEqual(before);
    expect((await db().agent.findUniqueOrThrow({ where: { id: agentIds["pg-eu-west-1"] } })).lastSeq).toBe(20n);

    expect((await post("pg-eu-west-1", batchOf([standbyReport(21)]))).status).toBe(200);
    expect(await stored("pg-eu-west-1")).toEqual([...before, 21]);
  });

  it("stores no witness link from an agent to its own replica", async () => {
    const self = { replica: "pg-eu-west-1", regionId: "aws:eu-west-1", reachable: false, rttMs: null, error: "timeout" };
    expect((await post("pg-eu-west-1", batchOf([standbyReport(22, { peers: [self] })]))).status).toBe(200);
    expect(await db().witnessLink.count({ where: { fromReplicaId: await replicaId("pg-eu-west-1") } })).toBe(0);
  });
});

describe("report ingest refuses bad input and writes nothing", () => {
  async function refused(agent: string, body: unknown, extra: { rawBody?: string; token?: string } = {}) {
    const before = { samples: await db().sample.count(), states: await db().replicaState.count(), links: await db().witnessLink.count() };
    const answer = await call(ingestRoute, { method: "POST", token: extra.token ?? tokens[agent], body, rawBody: extra.rawBody });
    expect({ samples: await db().sample.count(), states: await db().replicaState.count(), links: await db().witnessLink.count() }).toEqual(before);
    return answer;
  }

  it("a wrong token → 401", async () => {
    expect((await refused("pg-europe-west3", batchOf([standbyReport(1)]), { token: "sya_not-a-token" })).status).toBe(401);
  });

  it("a person's API token → 401", async () => {
    expect((await refused("pg-europe-west3", batchOf([standbyReport(1)]), { token: viewerToken })).status).toBe(401);
  });

  it("malformed JSON → 400", async () => {
    const { status, json } = await refused("pg-europe-west3", undefined, { rawBody: '{"reports": [' });
    expect(status).toBe(400);
    expect(json.error.code).toBe("invalid_json");
  });

  it("a report missing a field → 400 naming it", async () => {
    const { lsn: _lsn, ...withoutLsn } = standbyReport(1);
    const { status, json } = await refused("pg-europe-west3", batchOf([withoutLsn as never]));
    expect(status).toBe(400);
    expect(json.error.field).toBe("reports.0.lsn");
  });

  it("an LSN that is not a byte position → 400 naming it", async () => {
    const { json } = await refused("pg-europe-west3", batchOf([standbyReport(1, { lsn: { current: null, received: "0/3000060", replayed: null } })]));
    expect(json.error.field).toBe("reports.0.lsn.received");
  });

  it("sequence numbers not increasing within a batch → 400", async () => {
    const { status, json } = await refused("pg-europe-west3", batchOf([standbyReport(3), standbyReport(2)]));
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/seq must increase strictly/);
  });

  it(`more than ${MAX_REPORTS_PER_BATCH} reports → 400`, async () => {
    const reports = Array.from({ length: MAX_REPORTS_PER_BATCH + 1 }, (_, i) => standbyReport(i + 1));
    const { status, json } = await refused("pg-europe-west3", batchOf(reports));
    expect(status).toBe(400);
    expect(json.error.field).toBe("reports");
  });

  it("a body over 4 MiB → 413", async () => {
    const { status } = await refused("pg-europe-west3", undefined, { rawBody: JSON.stringify({ padding: "x".repeat(4 * 1024 * 1024 + 1) }) });
    expect(status).toBe(413);
  });

  it("a timestamp far in the future → 400 naming it", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const { status, json } = await refused("pg-europe-west3", batchOf([standbyReport(1), standbyReport(2, { observedAt: future })]));
    expect(status).toBe(400);
    expect(json.error.field).toBe("reports.1.observedAt");
    expect(json.error.message).toMatch(/ahead of the control plane's clock/);
  });

  it("a sentAt far in the past (a clock reading 1970) → 400 naming it, not an overflowing skew", async () => {
    const { status, json } = await refused("pg-europe-west3", batchOf([standbyReport(1)], { sentAt: "1970-01-01T00:00:00.000Z" }));
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ field: "sentAt", message: expect.stringMatching(/^sentAt: 1970-01-01T00:00:00.000Z is more than 7 days behind the control plane's clock/) });
  });

  it("a measurement before 1970, or a number its column cannot hold → 400 naming it", async () => {
    const ancient = await refused("pg-europe-west3", batchOf([standbyReport(1, { observedAt: "0000-01-01T00:00:00.000Z" })]));
    expect(ancient.json.error).toMatchObject({ field: "reports.0.observedAt", message: "reports.0.observedAt: must not be before 1970-01-01T00:00:00.000Z" });
    const lsn = await refused("pg-europe-west3", batchOf([standbyReport(1, { lsn: { current: null, received: "99999999999999999999", replayed: null } })]));
    expect(lsn.json.error.field).toBe("reports.0.lsn.received");
    const conflicts = await refused("pg-europe-west3", batchOf([standbyReport(1, { conflicts: { recovery: 2 ** 31, logical: 0 } })]));
    expect(conflicts.json.error.field).toBe("reports.0.conflicts.recovery");
    const dropped = await refused("pg-europe-west3", batchOf([standbyReport(1)], { droppedReports: 2 ** 31 }));
    expect(dropped.json.error.field).toBe("droppedReports");
  });

  it("a revoked agent → 401", async () => {
    const issued = await registerAgent(
      {
        replicaId: (
          await db().replica.create({
            data: { serviceId: "orders-db", regionId: "aws:eu-west-1", name: "spare", role: "standby", engine: "postgresql", host: "127.0.0.1", port: 1, databaseName: "orders", replication: "async" },
          })
        ).id,
        name: "agent-spare",
      },
      SYSTEM_ACTOR,
    );
    await revokeAgent(issued.agent.id, SYSTEM_ACTOR);
    expect((await refused("pg-europe-west3", batchOf([standbyReport(1)]), { token: issued.token })).status).toBe(401);
  });
});

describe("witness observations", () => {
  const peer = (reachable: boolean) => ({ replica: "pg-us-east-1", regionId: "aws:us-east-1", reachable, rttMs: reachable ? 2.5 : null, error: reachable ? null : "timeout" });
  const base = Date.now() - 120_000;
  const at = (offsetSeconds: number) => new Date(base + offsetSeconds * 1000).toISOString();

  async function link() {
    return db().witnessLink.findUniqueOrThrow({
      where: { fromReplicaId_toReplicaId: { fromReplicaId: await replicaId("pg-europe-west3"), toReplicaId: await replicaId("pg-us-east-1") } },
    });
  }

  /** Within the time a batch takes to arrive: the skew measured on it includes that transit. */
  const near = (actual: Date | null, expected: string) => expect(Math.abs(actual!.getTime() - Date.parse(expected))).toBeLessThan(1000);

  it("date a run of failed probes from the first failure the agent saw, across batches", async () => {
    await post("pg-europe-west3", batchOf([standbyReport(100, { observedAt: at(0), peers: [peer(true)] })]));
    expect(await link()).toMatchObject({ reachable: true, unreachableSince: null, rttMs: 2.5 });

    await post("pg-europe-west3", batchOf([standbyReport(101, { observedAt: at(1), peers: [peer(false)] }), standbyReport(102, { observedAt: at(2), peers: [peer(false)] })]));
    const since = (await link()).unreachableSince;
    near(since, at(1));

    await post("pg-europe-west3", batchOf([standbyReport(103, { observedAt: at(3), peers: [peer(false)] })]));
    expect((await link()).unreachableSince).toEqual(since);

    await post("pg-europe-west3", batchOf([standbyReport(104, { observedAt: at(4), peers: [peer(true)] })]));
    expect(await link()).toMatchObject({ reachable: true, unreachableSince: null });
  });

  it("keep a witness's times on the control plane's clock, so a witness whose clock runs behind cannot make a failure look older than it is", async () => {
    const behindMs = 60_000;
    const agentTime = (offsetSeconds: number) => new Date(base + offsetSeconds * 1000 - behindMs).toISOString();
    const sentAt = new Date(Date.now() - behindMs).toISOString();
    await post("pg-europe-west3", batchOf([standbyReport(150, { observedAt: agentTime(10), peers: [peer(false)] })], { sentAt }));
    const stored = await link();
    near(stored.unreachableSince, at(10));
    near(stored.observedAt, at(10));
    await post("pg-europe-west3", batchOf([standbyReport(151, { observedAt: agentTime(11), peers: [peer(true)] })], { sentAt }));
  });
});

describe("GET /api/v1/regions", () => {
  it("derives each region's health from its replicas and what other regions' witnesses see of it", async () => {
    const before = regionStateListSchema.parse((await call(regionsRoute, { token: viewerToken })).json);
    const us = before.regions.find((state) => state.region.id === "aws:us-east-1")!;
    expect(us.health).toBe("unknown");
    expect(us.replicas.unknown).toBe(1);
    expect(us.witnesses).toEqual({ observers: 1, reaching: 1, unreachableSince: null });
    const eu = before.regions.find((state) => state.region.id === "aws:eu-west-1")!;
    expect(eu.replicas.healthy).toBe(1);

    const cutOff = new Date(Date.now() - 3_000).toISOString();
    await post("pg-europe-west3", batchOf([standbyReport(200, { observedAt: cutOff, peers: [{ replica: "pg-us-east-1", regionId: "aws:us-east-1", reachable: false, rttMs: null, error: "timeout" }] })]));
    const after = regionStateListSchema.parse((await call(regionsRoute, { token: viewerToken })).json);
    const witnesses = after.regions.find((state) => state.region.id === "aws:us-east-1")!.witnesses;
    expect(witnesses).toMatchObject({ observers: 1, reaching: 0 });
    // On the control plane's clock: the agent's, shifted by the skew measured on the batch (its transit time here).
    expect(Math.abs(Date.parse(witnesses.unreachableSince!) - Date.parse(cutOff))).toBeLessThan(1000);
  });
});

describe("GET /api/v1/services/{id}", () => {
  it("returns each replica's role, health, lag and last report time, and marks silent replicas stale", async () => {
    const { status, json } = await call(serviceRoute, { token: viewerToken, params: { id: "orders-db" } });
    expect(status).toBe(200);
    const detail = serviceDetailSchema.parse(json);
    const byName = Object.fromEntries(detail.replicas.map((replica) => [replica.name, replica]));
    expect(byName["pg-eu-west-1"]?.live).toMatchObject({ health: "healthy", reportedRole: "standby", lagBytes: 96 });
    expect(byName["pg-eu-west-1"]?.live.lastReportAt).not.toBeNull();
    expect(byName["pg-us-east-1"]?.live).toMatchObject({ health: "unknown", reasons: ["no report received yet"] });
    expect(detail.staleAfterSeconds).toBe(5);

    await db().replicaState.updateMany({ where: { replicaId: await replicaId("pg-eu-west-1") }, data: { receivedAt: new Date(Date.now() - 60_000) } });
    const later = serviceDetailSchema.parse((await call(serviceRoute, { token: viewerToken, params: { id: "orders-db" } })).json);
    const silent = later.replicas.find((replica) => replica.name === "pg-eu-west-1");
    expect(silent?.live.health).toBe("stale");
    expect(silent?.live.reasons[0]).toMatch(/^last report 60 s ago \(stale after 5 s\)$/);
  });

  it("answers 404 for an unknown service", async () => {
    expect((await call(serviceRoute, { token: viewerToken, params: { id: "nope" } })).status).toBe(404);
  });
});

describe("what the store keeps beside each latest report", () => {
  const standby = (applicationName: string, syncState: "sync" | "async") => ({
    applicationName, clientAddr: "10.0.0.2", state: "streaming", syncState,
    sentLsn: "50331744", writeLsn: "50331744", flushLsn: "50331744", replayLsn: "50331648",
    writeLagSeconds: 0, flushLagSeconds: 0, replayLagSeconds: 0.01, replayLagBytes: 96,
  });
  const primaryReport = (seq: number, overrides: Partial<AgentReport> = {}) =>
    standbyReport(seq, {
      role: "primary",
      lsn: { current: "50331744", received: null, replayed: null },
      lag: { bytes: null, seconds: null },
      walReceiver: null,
      standbys: [standby("pg-eu-west-1", "sync"), standby("pg-europe-west3", "async")],
      slots: [{ name: "pg_eu_west_1", active: true, retainedBytes: 4096, walStatus: "reserved" }],
      settings: { synchronous_commit: "on", synchronous_standby_names: "FIRST 1 (pg_eu_west_1)", default_transaction_read_only: "off", transaction_read_only: "off" },
      ...overrides,
    });
  const state = async () => db().replicaState.findUniqueOrThrow({ where: { replicaId: await replicaId("pg-us-east-1") }, select: { facts: true, lastServingFacts: true } });

  it("takes each report apart as it is written, and keeps what the primary said while it answered once it no longer does", async () => {
    expect((await post("pg-us-east-1", batchOf([primaryReport(1)]))).status).toBe(200);
    const standbys = [["pg-eu-west-1", "streaming", "sync"], ["pg-europe-west3", "streaming", "async"]];
    expect(await state()).toEqual({
      facts: [null, null, ["on", "FIRST 1 (pg_eu_west_1)", "off"], standbys, [["pg_eu_west_1", 4096]]],
      lastServingFacts: [standbys, "50331744"],
    });

    const lost = primaryReport(2, { reachable: false, error: "connection refused", role: null, standbys: [], slots: [], lsn: { current: null, received: null, replayed: null } });
    expect((await post("pg-us-east-1", batchOf([lost]))).status).toBe(200);
    expect(await state()).toEqual({
      facts: ["connection refused", null, ["on", "FIRST 1 (pg_eu_west_1)", "off"], null, null],
      lastServingFacts: [standbys, "50331744"],
    });
    const [topology] = await readTopology(new Date(), ["orders-db"]);
    const primary = topology!.replicas.find((replica) => replica.name === "pg-us-east-1")!;
    expect(primary.currentLsn).toBe(50331744n);
    expect(topology!.replicas.find((replica) => replica.name === "pg-eu-west-1")!.syncState).toBe("sync");
  });
});

describe("what a standby's agent hears with its stored batch", () => {
  const standbyRow = (applicationName: string, syncState: "sync" | "async" | "potential" | "quorum") => ({
    applicationName, clientAddr: "127.0.0.1", state: "streaming", syncState, sentLsn: null, writeLsn: null, flushLsn: null, replayLsn: null,
    writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: null, replayLagBytes: 0,
  });
  const primary = (seq: number, standbys: ReturnType<typeof standbyRow>[], reachable = true) =>
    standbyReport(seq, {
      role: reachable ? "primary" : null,
      reachable,
      error: reachable ? null : "connection refused",
      lsn: { current: reachable ? "50331744" : null, received: null, replayed: null },
      lag: { bytes: null, seconds: null },
      walReceiver: null,
      standbys,
    });
  const heard = async (agent: string, seq: number) => {
    const { status, json } = await post(agent, batchOf([standbyReport(seq)]));
    expect(status).toBe(200);
    return json.standby;
  };

  it("how the write replica's latest report counts this standby, and how old that report is; nothing for the write replica itself", async () => {
    // The primary's latest report (seq 2, above) says its agent cannot reach it: there is nothing to relay.
    expect(await heard("pg-europe-west3", 300)).toBeNull();
    const own = await post("pg-us-east-1", batchOf([primary(3, [standbyRow("pg-eu-west-1", "quorum"), standbyRow("pg-europe-west3", "potential")])]));
    expect(own.json.standby).toBeNull();
    expect(await heard("pg-eu-west-1", 300)).toEqual({ syncState: "sync", primaryReportAgeMs: expect.any(Number) });
    expect(await heard("pg-europe-west3", 301)).toEqual({ syncState: "async", primaryReportAgeMs: expect.any(Number) });

    expect((await post("pg-us-east-1", batchOf([primary(4, [standbyRow("pg-eu-west-1", "sync")])]))).status).toBe(200);
    expect(await heard("pg-europe-west3", 302)).toMatchObject({ syncState: "unlisted" });
    await db().replicaState.update({ where: { replicaId: await replicaId("pg-us-east-1") }, data: { receivedAt: new Date(Date.now() - 30_000) } });
    expect((await heard("pg-eu-west-1", 301)).primaryReportAgeMs).toBeGreaterThanOrEqual(30_000);

    // A write replica its agent cannot reach says nothing of its standbys now.
    expect((await post("pg-us-east-1", batchOf([primary(5, [], false)]))).status).toBe(200);
    expect(await heard("pg-eu-west-1", 302)).toBeNull();
  });
});
