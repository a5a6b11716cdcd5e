import { beforeAll, describe, expect, it } from "vitest";
import * as serviceLagRoute from "@/app/api/v1/services/[id]/lag/route";
import type { ServiceLag } from "@/contracts/service-lag";
import { DEMO_SERVICE_POLICY } from "@/prisma/seed/demo-topology";
import { registerAgent } from "@/server/agents/register-agent";
import { appendAuditEvent, SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { ROLLUP_CURSOR, rollupSamples } from "@/server/jobs/rollup-samples";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

type Principal = Parameters<typeof ingestBatch>[0];

const FIVE_MIN = 300_000;
let token: string;
const principals = new Map<string, Principal>();

async function principalFor(replicaName: string): Promise<Principal> {
  const replica = await db().replica.findFirstOrThrow({ where: { name: replicaName } });
  const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${replicaName}` }, SYSTEM_ACTOR);
  return { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
}

interface Reading {
  at: number;
  bytes: number;
  seconds: number;
  recovery?: number;
  logical?: number;
}

let seq = 0;
async function ingest(replicaName: string, readings: Reading[], receivedAt: Date) {
  const reports = readings.map((reading) =>
    standbyReport(++seq, {
      observedAt: new Date(reading.at).toISOString(),
      lag: { bytes: reading.bytes, seconds: reading.seconds },
      conflicts: { recovery: reading.recovery ?? 0, logical: reading.logical ?? 0 },
    }),
  );
  await ingestBatch(principals.get(replicaName)!, batchOf(reports, { sentAt: receivedAt.toISOString() }), receivedAt);
}

async function lagOf(range: string, id = "orders-db"): Promise<{ status: number; json: ServiceLag & { error?: { code: string; message: string; field?: string } } }> {
  return call(serviceLagRoute.GET, { path: `/api/v1/services/${id}/lag?range=${range}`, params: { id }, token });
}

const seriesOf = (lag: ServiceLag, name: string) => lag.replicas.find((replica) => replica.name === name)!;

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-eu-west-1", "pg-europe-west3"]) principals.set(name, await principalFor(name));
  token = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

describe("GET /api/v1/services/{id}/lag", () => {
  it("serves 15 min from raw samples in 5 s buckets, with per-bucket conflict increases across a counter reset", async () => {
    const now = Date.now();
    // On a 15 s boundary too, so that the 1 h range sees these four readings in one bucket.
    const bucket = Math.floor((now - 60_000) / 15_000) * 15_000;
    await ingest(
      "pg-eu-west-1",
      [
        { at: bucket + 1_000, bytes: 100, seconds: 1, recovery: 3 },
        { at: bucket + 3_000, bytes: 300, seconds: 3, recovery: 5, logical: 1 },
        // The standby restarted: its counters start again from zero.
        { at: bucket + 6_000, bytes: 50, seconds: 0.5, recovery: 1 },
        { at: bucket + 8_000, bytes: 70, seconds: 0.7, recovery: 2, logical: 2 },
      ],
      new Date(now),
    );

    const { status, json } = await lagOf("15m");
    expect(status).toBe(200);
    expect(json).toMatchObject({ serviceId: "orders-db", range: "15m", source: "raw", bucketSeconds: 5, rpoSeconds: 30, maxLagBytes: DEMO_SERVICE_POLICY.failover.maxLagBytes });
    expect(json.segments).toEqual([{ source: "raw", from: json.from, to: json.to }]);
    expect(Date.parse(json.to) - Date.parse(json.from)).toBeGreaterThanOrEqual(15 * 60_000);
    expect(Date.parse(json.from) % 5_000).toBe(0);

    expect(seriesOf(json, "pg-eu-west-1").points).toEqual([
      {
        t: new Date(bucket).toISOString(),
        samples: 2,
        lagBytes: { avg: 200, max: 300 },
        lagSeconds: { avg: 2, max: 3 },
        recoveryConflicts: 2,
        logicalConflicts: 1,
      },
      {
        t: new Date(bucket + 5_000).toISOString(),
        samples: 2,
        lagBytes: { avg: 60, max: 70 },
        lagSeconds: { avg: 0.6, max: 0.7 },
        // 5 → 1 is a restart (1 new), then 1 → 2; logical 1 → 0 → 2.
        recoveryConflicts: 2,
        logicalConflicts: 2,
      },
    ]);
    expect(seriesOf(json, "pg-europe-west3").points).toEqual([]);
    expect(seriesOf(json, "pg-us-east-1")).toMatchObject({ role: "primary", points: [] });
  });

  it("serves 1 h in 15 s buckets", async () => {
    const { json } = await lagOf("1h");
    expect(json).toMatchObject({ range: "1h", source: "raw", bucketSeconds: 15 });
    const points = seriesOf(json, "pg-eu-west-1").points;
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ samples: 4, lagBytes: { avg: 130, max: 300 }, recoveryConflicts: 4, logicalConflicts: 3 });
  });

  it("serves 24 h from rollups, and the minutes not yet rolled up from raw samples", async () => {
    const current = Math.floor(Date.now() / FIVE_MIN) * FIVE_MIN;
    const split = current - FIVE_MIN;
    const old = current - 30 * 60_000;
    await ingest(
      "pg-europe-west3",
      [
        { at: old + 10_000, bytes: 1000, seconds: 10, recovery: 10 },
        { at: old + 70_000, bytes: 3000, seconds: 30, recovery: 12 },
        { at: old + 80_000, bytes: 2000, seconds: 20, recovery: 12 },
        { at: old + FIVE_MIN + 10_000, bytes: 400, seconds: 4, recovery: 15 },
      ],
      new Date(old + FIVE_MIN + 20_000),
    );
    // The job has rolled up everything received up to the split, nothing after it.
    await rollupSamples(30 * 86_400_000, new Date(split + 10_000));
    expect((await db().jobCursor.findUniqueOrThrow({ where: { name: ROLLUP_CURSOR } })).position.getTime()).toBe(split);
    await ingest(
      "pg-europe-west3",
      [
        { at: split + 30_000, bytes: 500, seconds: 5, recovery: 4 },
        { at: split + 90_000, bytes: 700, seconds: 7, recovery: 6, logical: 1 },
      ],
      new Date(),
    );
    expect(await db().sampleRollup.count({ where: { bucketStart: { gte: new Date(split) } } })).toBe(0);

    const { status, json } = await lagOf("24h");
    expect(status).toBe(200);
    expect(json).toMatchObject({ range: "24h", source: "rollup", bucketSeconds: 300 });
    expect(json.segments).toEqual([
      { source: "rollup", from: json.from, to: new Date(split).toISOString() },
      { source: "raw", from: new Date(split).toISOString(), to: json.to },
    ]);
    expect(seriesOf(json, "pg-europe-west3").points).toEqual([
      {
        t: new Date(old).toISOString(),
        samples: 3,
        // Minute averages weighted by their samples: (1000 × 1 + 2500 × 2) / 3.
        lagBytes: { avg: 2000, max: 3000 },
        lagSeconds: { avg: 20, max: 30 },
        recoveryConflicts: 2,
        logicalConflicts: 0,
      },
      {
        t: new Date(old + FIVE_MIN).toISOString(),
        samples: 1,
        lagBytes: { avg: 400, max: 400 },
        lagSeconds: { avg: 4, max: 4 },
        recoveryConflicts: 3,
        logicalConflicts: 0,
      },
      {
        t: new Date(split).toISOString(),
        samples: 2,
        lagBytes: { avg: 600, max: 700 },
        lagSeconds: { avg: 6, max: 7 },
        // 15 → 4 is a restart (4 new conflicts), then 4 → 6.
        recoveryConflicts: 6,
        logicalConflicts: 1,
      },
    ]);
  });

  it("serves 7 d in hourly buckets from the same rollups and tail", async () => {
    const { json } = await lagOf("7d");
    expect(json).toMatchObject({ range: "7d", source: "rollup", bucketSeconds: 3600 });
    expect(json.segments.map((segment) => segment.source)).toEqual(["rollup", "raw"]);
    const points = seriesOf(json, "pg-europe-west3").points;
    expect(points.reduce((sum, point) => sum + point.samples, 0)).toBe(6);
    expect(Math.max(...points.map((point) => point.lagBytes.max ?? 0))).toBe(3000);
    expect(points.every((point) => point.recoveryConflicts >= 0 && point.logicalConflicts >= 0)).toBe(true);
  });

  it("serves 30 d in 2-hour buckets from one-hour rollups, weighting each hour by its samples", async () => {
    // A 2-hour bucket three days back holding one reading in each of its hours, delivered late (after an outage).
    const bucket = Math.floor((Date.now() - 3 * 86_400_000) / 7_200_000) * 7_200_000;
    await ingest(
      "pg-eu-west-1",
      [
        { at: bucket + 60_000, bytes: 5_000, seconds: 50 },
        { at: bucket + 3_660_000, bytes: 7_000, seconds: 70 },
        { at: bucket + 3_720_000, bytes: 9_000, seconds: 90 },
      ],
      new Date(),
    );
    await rollupSamples(30 * 86_400_000, new Date(Date.now() + 20_000));
    expect(await db().sampleRollupHour.count({ where: { replicaId: principals.get("pg-eu-west-1")!.replicaId, bucketStart: { gte: new Date(bucket), lt: new Date(bucket + 7_200_000) } } })).toBe(2);

    const { json } = await lagOf("30d");
    expect(json).toMatchObject({ range: "30d", source: "hour-rollup", bucketSeconds: 7200 });
    expect(json.segments.map((segment) => segment.source)).toEqual(["hour-rollup", "raw"]);
    expect(new Date(json.segments[0]!.to).getTime()).toBeGreaterThan(bucket);
    expect(seriesOf(json, "pg-eu-west-1").points.find((point) => point.t === new Date(bucket).toISOString())).toMatchObject({
      samples: 3,
      lagBytes: { avg: 7_000, max: 9_000 },
      lagSeconds: { avg: 70, max: 90 },
    });
  });

  it("lists the service's audit events in the window, oldest first, without run steps", async () => {
    await db().$transaction(async (tx) => {
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "service.route",
        target: { type: "service", id: "orders-db" },
        serviceId: "orders-db",
        before: { writeReplica: "pg-us-east-1" },
        after: { writeReplica: "pg-eu-west-1" },
      });
      await appendAuditEvent(tx, { actor: SYSTEM_ACTOR, action: "run.step", target: { type: "step", id: "s1" }, serviceId: "orders-db", runId: "run-1" });
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "service.epoch",
        target: { type: "service", id: "orders-db" },
        serviceId: "orders-db",
        runId: "run-1",
        before: { epoch: 1 },
        after: { epoch: 2 },
      });
      await appendAuditEvent(tx, { actor: SYSTEM_ACTOR, action: "service.route", target: { type: "service", id: "other-db" }, serviceId: "other-db" });
    });
    const { json } = await lagOf("15m");
    const mine = json.events.filter((event) => event.action.startsWith("service.") || event.action.startsWith("run."));
    expect(mine.map(({ action, summary, runId }) => ({ action, summary, runId }))).toEqual([
      { action: "service.route", summary: "Write route pg-us-east-1 → pg-eu-west-1", runId: null },
      { action: "service.epoch", summary: "Epoch 1 → 2", runId: "run-1" },
    ]);
  });

  it("answers 404 naming an unknown service", async () => {
    const { status, json } = await lagOf("1h", "no-such-db");
    expect(status).toBe(404);
    expect(json.error).toMatchObject({ code: "not_found" });
    expect(json.error!.message).toContain("no-such-db");
  });

  it("answers 400 naming the field for an unknown range", async () => {
    const { status, json } = await lagOf("2w");
    expect(status).toBe(400);
    expect(json.error!.field).toBe("range");
  });

  it("defaults to 1 h", async () => {
    const { status, json } = await call(serviceLagRoute.GET, { path: "/api/v1/services/orders-db/lag", params: { id: "orders-db" }, token });
    expect(status).toBe(200);
    expect(json.range).toBe("1h");
  });
});
