import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as fleetRoute } from "@/app/api/v1/fleet/route";
import { GET as matrixRoute } from "@/app/api/v1/regions/matrix/route";
import { GET as regionsRoute } from "@/app/api/v1/regions/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { fleetOverviewSchema } from "@/contracts/fleet-overview";
import { regionMatrixSchema } from "@/contracts/region-matrix";
import { regionStateListSchema } from "@/contracts/services";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { fleetOverview } from "@/server/fleet/fleet-overview";
import { regionMatrix } from "@/server/fleet/region-matrix";
import { regionStates } from "@/server/fleet/region-states";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";
import { roundTrips } from "../support/round-trips";
import { runFixture } from "../support/runs";

/**
 * The fleet overview and the region matrix over reports ingested through the
 * real API: orders-db (the demo topology) and a second service, billing-db.
 * Every policy's staleness window is widened to 60 s so that a slow machine
 * cannot turn fresh reports stale mid-test; staleness is then produced by
 * dating reports back.
 */
const KIB = 1024;
const tokens: Record<string, string> = {};
let viewer: string;

const peer = (replica: string, regionId: string, rttMs: number | null) => ({ replica, regionId, reachable: rttMs !== null, rttMs, error: rttMs === null ? "connection refused" : null });

const primary = (seq: number, peers: AgentReport["peers"], syncStandby: string | null): AgentReport =>
  standbyReport(seq, {
    role: "primary",
    lsn: { current: "50331744", received: null, replayed: null },
    lag: { bytes: null, seconds: null },
    walReceiver: null,
    standbys: syncStandby
      ? [{ applicationName: syncStandby, clientAddr: "127.0.0.1", state: "streaming", syncState: "sync", sentLsn: null, writeLsn: null, flushLsn: null, replayLsn: null, writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: null, replayLagBytes: 0 }]
      : [],
    settings: { synchronous_commit: "on", synchronous_standby_names: syncStandby ? `FIRST 1 ("${syncStandby}")` : "", default_transaction_read_only: "off", transaction_read_only: "off" },
    peers,
  });

const REPORTS: Record<string, AgentReport> = {
  "pg-us-east-1": primary(1, [peer("pg-eu-west-1", "aws:eu-west-1", 80), peer("pg-europe-west3", "gcp:europe-west3", 90)], "pg-eu-west-1"),
  "pg-eu-west-1": standbyReport(1, { lag: { bytes: 512 * KIB, seconds: 20 }, peers: [peer("pg-us-east-1", "aws:us-east-1", 82), peer("pg-europe-west3", "gcp:europe-west3", null)] }),
  "pg-europe-west3": standbyReport(1, { lag: { bytes: KIB, seconds: 45 }, peers: [peer("pg-us-east-1", "aws:us-east-1", 96), peer("pg-eu-west-1", "aws:eu-west-1", 14)] }),
  "billing-us": primary(1, [peer("billing-eu", "aws:eu-west-1", 100)], null),
  "billing-eu": standbyReport(1, { lag: { bytes: 0, seconds: 1 }, peers: [peer("billing-us", "aws:us-east-1", 84)] }),
};

async function replicaId(name: string) {
  return (await db().replica.findFirstOrThrow({ where: { name } })).id;
}

async function widenStalenessWindows() {
  for (const version of await db().policyVersion.findMany()) {
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 } } } });
  }
}

/** Services of three replicas written straight to the store, each with a latest state and witness links. */
async function addServices(count: number, prefix: string) {
  const regions = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];
  const now = new Date();
  for (let s = 0; s < count; s++) {
    const serviceId = `${prefix}-${s}`;
    await db().service.create({
      data: { id: serviceId, name: serviceId, engine: "simulated", datasets: { create: { name: "events", ownerTeam: "bench", consistency: "eventual", rpoSeconds: 30, rtoSeconds: 60 } } },
    });
    const replicas = await db().replica.createManyAndReturn({
      data: regions.map((regionId, r) => ({
        serviceId,
        regionId,
        name: `${serviceId}-r${r}`,
        role: r === 0 ? ("primary" as const) : ("standby" as const),
        engine: "simulated" as const,
        host: "127.0.0.1",
        port: 1,
        databaseName: "x",
        replication: "async" as const,
      })),
    });
    await db().replicaState.createMany({
      data: replicas.map((replica) => ({
        replicaId: replica.id,
        agentId: `agent-${replica.id}`,
        lastSeq: 1n,
        observedAt: now,
        receivedAt: now,
        reachable: true,
        role: replica.role,
        lagBytes: replica.role === "standby" ? 100n : null,
        lagSeconds: replica.role === "standby" ? 0.5 : null,
        recoveryConflicts: 0,
        logicalConflicts: 0,
        report: standbyReport(1) as object,
      })),
    });
    await db().witnessLink.createMany({
      data: replicas.flatMap((from) =>
        replicas.filter((to) => to.id !== from.id).map((to) => ({ fromReplicaId: from.id, toReplicaId: to.id, reachable: true, rttMs: 50, observedAt: now, receivedAt: now })),
      ),
    });
  }
}

const overview = async () => {
  const { status, json } = await call(fleetRoute, { path: "/api/v1/fleet", token: viewer });
  expect(status).toBe(200);
  return fleetOverviewSchema.parse(json);
};
const matrix = async () => {
  const { status, json } = await call(matrixRoute, { path: "/api/v1/regions/matrix", token: viewer });
  expect(status).toBe(200);
  return regionMatrixSchema.parse(json);
};
const cellOf = (cells: Awaited<ReturnType<typeof matrix>>["cells"], from: string, to: string) => cells.find((cell) => cell.from === from && cell.to === to);

beforeAll(async () => {
  await seedDemoTopology(db());
  await db().service.create({
    data: {
      id: "billing-db",
      name: "Billing database",
      engine: "postgresql",
      datasets: { create: { name: "invoices", ownerTeam: "billing", consistency: "eventual", rpoSeconds: 60, rtoSeconds: 600 } },
      replicas: {
        create: [
          { name: "billing-us", regionId: "aws:us-east-1", role: "primary", engine: "postgresql", host: "127.0.0.1", port: 1, databaseName: "billing", replication: "async" },
          { name: "billing-eu", regionId: "aws:eu-west-1", role: "standby", engine: "postgresql", host: "127.0.0.1", port: 2, databaseName: "billing", replication: "async" },
        ],
      },
    },
  });
  await db().service.update({ where: { id: "billing-db" }, data: { writeReplicaId: await replicaId("billing-us") } });
  await widenStalenessWindows();
  for (const name of Object.keys(REPORTS)) {
    tokens[name] = (await registerAgent({ replicaId: await replicaId(name), name: `agent-${name}` }, SYSTEM_ACTOR)).token;
    const { status } = await call(ingestRoute, { method: "POST", token: tokens[name], body: batchOf([REPORTS[name]!]) });
    expect(status).toBe(200);
  }
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

describe("GET /api/v1/fleet", () => {
  it("judges each service from its replicas' latest reports: health, counts, what needs attention", async () => {
    const fleet = await overview();
    expect(fleet.services.map((service) => service.id)).toEqual(["billing-db", "orders-db"]);
    const orders = fleet.services.find((service) => service.id === "orders-db")!;
    expect(orders).toMatchObject({ writeRegionId: "aws:us-east-1", writeReplicaName: "pg-us-east-1", health: "degraded", staleAfterSeconds: 60 });
    expect(orders.replicas).toEqual({ healthy: 2, degraded: 1, unhealthy: 0, stale: 0, unknown: 0 });
    expect(orders.attention).toEqual([
      { replicaId: await replicaId("pg-europe-west3"), replicaName: "pg-europe-west3", regionId: "gcp:europe-west3", health: "degraded", reason: "lag 45 s exceeds the RPO budget 30 s" },
    ]);
    expect(fleet.services.find((service) => service.id === "billing-db")).toMatchObject({ health: "healthy", replicas: { healthy: 2 }, attention: [] });
    expect(fleet.replicas).toEqual({ healthy: 4, degraded: 1, unhealthy: 0, stale: 0, unknown: 0 });
  });

  it("reports each service's worst lag against its RPO budget and the policy's lag maximum", async () => {
    const fleet = await overview();
    expect(fleet.services.find((service) => service.id === "orders-db")!.worstLag).toEqual({
      replicaId: await replicaId("pg-europe-west3"),
      replicaName: "pg-europe-west3",
      lagSeconds: 45,
      lagBytes: KIB,
      rpoSeconds: 30,
      maxLagBytes: 1024 * KIB,
      secondsRatio: 1.5,
      bytesRatio: 1 / 1024,
      ratio: 1.5,
      stale: false,
    });
    expect(fleet.services.find((service) => service.id === "billing-db")!.worstLag).toMatchObject({ replicaName: "billing-eu", rpoSeconds: 60, secondsRatio: 1 / 60 });
  });

  it("says whether automation would fail each service over, and why", async () => {
    const fleet = await overview();
    for (const service of fleet.services) expect(service.automation).toEqual({ state: "on", reason: expect.stringMatching(/^the policy turns automatic failover on and no pause or cooldown holds it back/), maintenance: null });
  });

  it("lists active runs with a link to each, and leaves finished runs out", async () => {
    const active = await runFixture();
    const finished = await runFixture();
    await db().run.update({ where: { id: finished.id }, data: { status: "succeeded", finishedAt: new Date() } });
    const orders = (await overview()).services.find((service) => service.id === "orders-db")!;
    expect(orders.activeRuns).toEqual([{ id: active.id, runbookId: "fixture", runbookTitle: "Fixture", status: "running", startedAt: active.startedAt!.toISOString(), href: `/runs/${active.id}` }]);
    await db().run.update({ where: { id: active.id }, data: { status: "aborted", finishedAt: new Date() } });
    expect((await overview()).services.find((service) => service.id === "orders-db")!.activeRuns).toEqual([]);
  });

  it("gives every region its worst health, counts per state and what other regions' witnesses see", async () => {
    const regions = new Map((await overview()).regions.map((state) => [state.region.id, state]));
    expect(regions.get("aws:us-east-1")).toMatchObject({ region: { cloud: "aws", code: "us-east-1", jurisdiction: "US" }, health: "healthy", replicas: { healthy: 2, degraded: 0 }, witnesses: { observers: 3, reaching: 3, unreachableSince: null } });
    expect(regions.get("aws:eu-west-1")).toMatchObject({ health: "healthy", replicas: { healthy: 2 }, witnesses: { observers: 3, reaching: 3 } });
    const frankfurt = regions.get("gcp:europe-west3")!;
    expect(frankfurt).toMatchObject({ region: { jurisdiction: "EU" }, health: "degraded", replicas: { healthy: 0, degraded: 1 }, witnesses: { observers: 2, reaching: 1 } });
    expect(frankfurt.witnesses.unreachableSince).not.toBeNull();
  });

  it("keeps GET /api/v1/regions answering its contract from the same judgement", async () => {
    const { status, json } = await call(regionsRoute, { path: "/api/v1/regions", token: viewer });
    expect(status).toBe(200);
    const regions = regionStateListSchema.parse(json).regions;
    expect(regions.map((state) => [state.region.id, state.health, state.replicas.healthy, state.replicas.degraded])).toEqual([
      ["aws:eu-west-1", "healthy", 2, 0],
      ["aws:us-east-1", "healthy", 2, 0],
      ["gcp:europe-west3", "degraded", 0, 1],
    ]);
  });
});

describe("GET /api/v1/regions/matrix", () => {
  it("folds every witness link into region × region cells with reachability, median and max RTT", async () => {
    const { regions, cells } = await matrix();
    expect(regions.map((region) => region.id)).toEqual(["aws:eu-west-1", "aws:us-east-1", "gcp:europe-west3"]);
    expect(cells.map((cell) => [cell.from, cell.to])).toEqual([
      ["aws:eu-west-1", "aws:us-east-1"],
      ["aws:eu-west-1", "gcp:europe-west3"],
      ["aws:us-east-1", "aws:eu-west-1"],
      ["aws:us-east-1", "gcp:europe-west3"],
      ["gcp:europe-west3", "aws:eu-west-1"],
      ["gcp:europe-west3", "aws:us-east-1"],
    ]);
    expect(cellOf(cells, "aws:us-east-1", "aws:eu-west-1")).toMatchObject({ probes: 2, reachableProbes: 2, reachability: "all", rttMs: { median: 90, max: 100 }, stale: false });
    expect(cellOf(cells, "aws:eu-west-1", "aws:us-east-1")).toMatchObject({ probes: 2, rttMs: { median: 83, max: 84 } });
    expect(cellOf(cells, "aws:eu-west-1", "gcp:europe-west3")).toMatchObject({ probes: 1, reachableProbes: 0, reachability: "none", rttMs: { median: null, max: null } });
    expect(cellOf(cells, "gcp:europe-west3", "aws:eu-west-1")).toMatchObject({ reachability: "all", rttMs: { median: 14, max: 14 } });
    const newest = await db().witnessLink.findFirstOrThrow({ where: { fromReplicaId: await replicaId("pg-us-east-1"), toReplicaId: await replicaId("pg-eu-west-1") } });
    const billing = await db().witnessLink.findFirstOrThrow({ where: { fromReplicaId: await replicaId("billing-us") } });
    const expected = Math.max(newest.observedAt.getTime(), billing.observedAt.getTime());
    expect(Date.parse(cellOf(cells, "aws:us-east-1", "aws:eu-west-1")!.lastObservedAt)).toBe(expected);
  });
});

describe("the number of SQL round trips", () => {
  it("does not grow with the number of services and replicas", async () => {
    await fleetOverview();
    const small = { overview: await roundTrips(fleetOverview), regions: await roundTrips(regionStates), matrix: await roundTrips(regionMatrix) };
    expect(small.overview).toBeGreaterThan(0);

    await addServices(30, "synthetic");
    const fleet = await fleetOverview();
    expect(fleet.services).toHaveLength(32);
    expect(fleet.replicas.healthy).toBe(4 + 90);
    expect((await regionMatrix()).cells.find((cell) => cell.from === "aws:us-east-1" && cell.to === "aws:eu-west-1")?.probes).toBe(2 + 30);

    expect({ overview: await roundTrips(fleetOverview), regions: await roundTrips(regionStates), matrix: await roundTrips(regionMatrix) }).toEqual(small);
  });
});

describe("stale data", () => {
  it("is shown as stale, never as current: the replica, its region, the worst lag and the matrix cells", async () => {
    const frankfurt = await replicaId("pg-europe-west3");
    const past = new Date(Date.now() - 120_000);
    await db().replicaState.update({ where: { replicaId: frankfurt }, data: { receivedAt: past, observedAt: past } });
    // Every witness in the region goes quiet (the synthetic services' ones too), so whole rows of the matrix age.
    await db().witnessLink.updateMany({ where: { from: { regionId: "gcp:europe-west3" } }, data: { observedAt: past, receivedAt: past } });

    const fleet = await overview();
    const orders = fleet.services.find((service) => service.id === "orders-db")!;
    expect(orders.health).toBe("stale");
    expect(orders.replicas).toMatchObject({ healthy: 2, stale: 1, degraded: 0 });
    expect(orders.attention[0]).toMatchObject({ replicaName: "pg-europe-west3", health: "stale", reason: expect.stringMatching(/^last report 2 min ago/) });
    // The stale 45 s lag no longer counts as the current worst: the current one does.
    expect(orders.worstLag).toMatchObject({ replicaName: "pg-eu-west-1", lagSeconds: 20, secondsRatio: 20 / 30, bytesRatio: 0.5, stale: false });
    expect(fleet.regions.find((state) => state.region.id === "gcp:europe-west3")).toMatchObject({ health: "stale", replicas: { stale: 1 } });

    const { cells } = await matrix();
    expect(cells.filter((cell) => cell.stale).map((cell) => [cell.from, cell.to])).toEqual([
      ["gcp:europe-west3", "aws:eu-west-1"],
      ["gcp:europe-west3", "aws:us-east-1"],
    ]);
    expect(cellOf(cells, "gcp:europe-west3", "aws:us-east-1")).toMatchObject({ lastObservedAt: past.toISOString(), probes: 31, rttMs: { median: 50, max: 96 } });
  });
});
