import { beforeAll, describe, expect, it } from "vitest";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { dropExpiredRollups, rollupSamples } from "@/server/jobs/rollup-samples";
import { dropExpiredSamples, ensureSamplePartitions } from "@/server/jobs/sample-partitions";
import { acquireLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { batchOf, standbyReport } from "../support/reports";

const DAY = 86_400_000;
let principal: Parameters<typeof ingestBatch>[0];

async function partitionOf(seq: number): Promise<string> {
  const [row] = await db().$queryRaw<{ partition: string }[]>`SELECT tableoid::regclass::text AS partition FROM "Sample" WHERE seq = ${seq}`;
  return row!.partition;
}

beforeAll(async () => {
  await seedDemoTopology(db());
  const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
  const { agent } = await registerAgent({ replicaId: replica.id, name: "agent-eu" }, SYSTEM_ACTOR);
  principal = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
});

describe("Sample partitions", () => {
  it("are created per UTC day ahead of time, moving rows that had landed in the default partition", async () => {
    const now = new Date();
    await ingestBatch(principal, batchOf([standbyReport(1)]), now);
    expect(await partitionOf(1)).toBe('"Sample_default"');

    const created = await ensureSamplePartitions("day", now);
    const today = `Sample_${now.toISOString().slice(0, 10).replaceAll("-", "")}`;
    expect(created).toContain(today);
    expect(created).toHaveLength(4);
    expect(await partitionOf(1)).toBe(`"${today}"`);
    expect(await ensureSamplePartitions("day", now)).toEqual([]);

    await ingestBatch(principal, batchOf([standbyReport(2)]), now);
    expect(await partitionOf(2)).toBe(`"${today}"`);
  });

  it("older than the raw window are dropped whole", async () => {
    const now = new Date();
    const oldDay = new Date(now.getTime() - 5 * DAY);
    await ensureSamplePartitions("day", oldDay, 0);
    await ingestBatch(principal, batchOf([standbyReport(3, { observedAt: oldDay.toISOString() })], { sentAt: oldDay.toISOString() }), oldDay);
    const { droppedPartitions } = await dropExpiredSamples(48 * 3_600_000, now);
    expect(droppedPartitions).toContain(`Sample_${oldDay.toISOString().slice(0, 10).replaceAll("-", "")}`);
    expect(await db().sample.count({ where: { seq: 3 } })).toBe(0);
    expect(await db().sample.count({ where: { seq: { in: [1, 2] } } })).toBe(2);
  });
});

describe("rollups", () => {
  it("summarise each replica's minute, and recompute a minute when late reports arrive", async () => {
    const now = Date.now();
    const minute = new Date(Math.floor((now - 5 * 60_000) / 60_000) * 60_000);
    const at = (s: number) => new Date(minute.getTime() + s * 1000).toISOString();
    await ingestBatch(
      principal,
      batchOf([
        standbyReport(10, { observedAt: at(1), lag: { bytes: 100, seconds: 1 } }),
        standbyReport(11, { observedAt: at(2), lag: { bytes: 300, seconds: 3 }, reachable: false }),
      ]),
      new Date(now - 120_000),
    );
    await rollupSamples(30 * DAY, new Date(now - 60_000));
    const bucket = () => db().sampleRollup.findUniqueOrThrow({ where: { replicaId_bucketStart: { replicaId: principal.replicaId, bucketStart: minute } } });
    expect(await bucket()).toMatchObject({ samples: 2, reachableSamples: 1, lagBytesMin: 100n, lagBytesMax: 300n, lagBytesAvg: 200, lagSecondsMax: 3 });

    // A report measured in that minute but delivered only now (after an outage).
    await ingestBatch(principal, batchOf([standbyReport(12, { observedAt: at(30), lag: { bytes: 900, seconds: 9 } })]), new Date(now - 50_000));
    await rollupSamples(30 * DAY, new Date(now));
    expect(await bucket()).toMatchObject({ samples: 3, lagBytesMax: 900n, lagBytesAvg: (100 + 300 + 900) / 3 });
  });

  // The rollup cursor only moves forward: these reports arrive (by the control plane's clock) after the tests above rolled up.
  const later = Date.now() + 60_000;
  const hour = new Date(Math.floor((later - 3 * 3_600_000) / 3_600_000) * 3_600_000);
  const inHour = (minutes: number) => new Date(hour.getTime() + minutes * 60_000 + 5_000).toISOString();
  const hourBucket = () => db().sampleRollupHour.findUniqueOrThrow({ where: { replicaId_bucketStart: { replicaId: principal.replicaId, bucketStart: hour } } });

  it("fold each replica's minutes into its hour, recomputed whole when a late report changes a minute", async () => {
    await ingestBatch(
      principal,
      batchOf([
        standbyReport(20, { observedAt: inHour(0), lag: { bytes: 1_000, seconds: 1 } }),
        standbyReport(21, { observedAt: inHour(30), lag: { bytes: 3_000, seconds: 3 }, reachable: false }),
        standbyReport(22, { observedAt: inHour(59), lag: { bytes: 2_000, seconds: 2 } }),
      ]),
      new Date(later),
    );
    await rollupSamples(30 * DAY, new Date(later + 20_000));
    expect(await hourBucket()).toMatchObject({ samples: 3, reachableSamples: 2, lagBytesMin: 1_000n, lagBytesMax: 3_000n, lagBytesAvg: 2_000, lagSecondsMax: 3 });

    await ingestBatch(principal, batchOf([standbyReport(23, { observedAt: inHour(30), lag: { bytes: 9_000, seconds: 9 } })]), new Date(later + 30_000));
    await rollupSamples(30 * DAY, new Date(later + 50_000));
    expect(await hourBucket()).toMatchObject({ samples: 4, lagBytesMax: 9_000n, lagBytesAvg: (1_000 + 3_000 + 2_000 + 9_000) / 4 });
  });

  it("leave an hour alone once its minutes are no longer all kept, so a very late report cannot shrink it", async () => {
    const before = await hourBucket();
    await ingestBatch(principal, batchOf([standbyReport(24, { observedAt: inHour(10) })]), new Date(later + 60_000));
    // Minutes kept for one hour only: that hour's first minutes are gone. The minute itself is still rolled up.
    const { buckets, hours } = await rollupSamples(3_600_000, new Date(later + 80_000));
    expect(buckets).toBe(1);
    expect(hours).toBe(0);
    expect(await hourBucket()).toEqual(before);
  });

  it("older than their window are deleted, each level by its own", async () => {
    const minutesBefore = await db().sampleRollup.count();
    const hoursBefore = await db().sampleRollupHour.count();
    expect(minutesBefore).toBeGreaterThan(0);
    expect(hoursBefore).toBeGreaterThan(0);
    expect(await dropExpiredRollups({ minuteRollupMs: 60_000, hourRollupMs: 400 * DAY }, new Date(Date.now() + DAY))).toEqual({ minutes: minutesBefore, hours: 0 });
    expect(await db().sampleRollup.count()).toBe(0);
    expect(await dropExpiredRollups({ minuteRollupMs: 60_000, hourRollupMs: 3_600_000 }, new Date(Date.now() + DAY))).toEqual({ minutes: 0, hours: hoursBefore });
    expect(await db().sampleRollupHour.count()).toBe(0);
  });
});

describe("leases", () => {
  it("let one holder at a time act, and pass on only after expiry with a higher fencing token", async () => {
    const first = await acquireLease("test-lease", "copy-a", 1_000);
    expect(first).toEqual({ held: true, token: 1n });
    expect(await acquireLease("test-lease", "copy-b", 1_000)).toEqual({ held: false, token: 0n });
    expect(await acquireLease("test-lease", "copy-a", 1_000)).toEqual({ held: true, token: 1n });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await acquireLease("test-lease", "copy-b", 1_000)).toEqual({ held: true, token: 2n });
    expect(await acquireLease("test-lease", "copy-a", 1_000)).toEqual({ held: false, token: 0n });
  });
});

describe("hourly Sample partitions (a large fleet's)", () => {
  // After the rollups' reports: an agent's sequence numbers only go up.
  const at = new Date("2031-03-01T10:20:00Z");

  it("are created from the last hour to six ahead, and hold the samples received in their hour", async () => {
    expect(await ensureSamplePartitions("hour", at)).toEqual(["09", "10", "11", "12", "13", "14", "15", "16"].map((hour) => `Sample_20310301h${hour}`));
    expect(await ensureSamplePartitions("hour", at)).toEqual([]);
    await ingestBatch(principal, batchOf([standbyReport(1_000, { observedAt: at.toISOString() })], { sentAt: at.toISOString() }), at);
    expect(await partitionOf(1_000)).toBe('"Sample_20310301h10"');
  });

  it("and daily ones never cover the same day: each width refuses a day the other already partitions", async () => {
    expect(await ensureSamplePartitions("day", at)).toEqual(["Sample_20310228", "Sample_20310302", "Sample_20310303"]);
    expect(await ensureSamplePartitions("hour", new Date("2031-03-02T05:00:00Z"))).toEqual([]);
  });

  it("are dropped once their whole hour is past the raw window", async () => {
    const { droppedPartitions } = await dropExpiredSamples(3_600_000, new Date("2031-03-01T12:00:00Z"));
    expect(droppedPartitions).toEqual(expect.arrayContaining(["Sample_20310228", "Sample_20310301h09", "Sample_20310301h10"]));
    expect(droppedPartitions).not.toContain("Sample_20310301h11");
    expect(await db().sample.count({ where: { seq: 1_000 } })).toBe(0);
  });
});
