/**
 * Disk per 1,000 replicas per day at each retention level: a real store
 * (the product's embedded PostgreSQL, migrated), 1,000 replicas, and
 * `--minutes` of raw samples at a 1 s interval written as the ingest writes
 * them (values varying like a live fleet's), folded into one-minute and
 * one-hour rollups by the product's own rollup job. Each table's size with
 * its indexes (pg_total_relation_size, after VACUUM ANALYZE) divided by its
 * rows gives bytes per row, scaled to a day of 1,000 replicas; then the disk
 * each retention plan (core/fleet/retention-plan.ts) holds at steady state.
 *
 *   npm run bench:retention -- --minutes 10
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { RETENTION_RULES } from "@/core/fleet/retention-plan";
import { createDb } from "@/server/db/client";
import { startControlPlane } from "./support/control-plane";
import { round } from "./support/stats";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, replicas: { type: "string", default: "1000" } } });
const MINUTES = Number(values.minutes);
const REPLICAS = Number(values.replicas);
const DAY_SECONDS = 86_400;
const GIB = 2 ** 30;

const controlPlane = await startControlPlane({ env: { SWITCHYARD_JOBS: "off" } });
process.env.DATABASE_URL = controlPlane.databaseUrl;
const db = createDb(controlPlane.databaseUrl, 2);
try {
  const { rollupSamples } = await import("@/server/jobs/rollup-samples");
  const { ensureSamplePartitions } = await import("@/server/jobs/sample-partitions");
  await ensureSamplePartitions("hour");
  await db.region.upsert({ where: { id: "bench:region-1" }, create: { id: "bench:region-1", cloud: "bench", code: "region-1", jurisdiction: "EU", displayName: "Bench" }, update: {} });
  await db.service.create({ data: { id: "bench-fleet", name: "Benchmark fleet", engine: "simulated" } });
  await db.replica.createMany({
    data: Array.from({ length: REPLICAS }, (_, i) => ({
      serviceId: "bench-fleet",
      regionId: "bench:region-1",
      name: `replica-${i}`,
      role: "standby" as const,
      engine: "simulated" as const,
      host: "127.0.0.1",
      port: 1,
      databaseName: "bench",
      replication: "async" as const,
    })),
  });
  // Ids shaped like the real ones (cuid, 25 characters), so row widths are the real widths.
  const start = new Date(Math.floor((Date.now() - (MINUTES + 2) * 60_000) / 60_000) * 60_000);
  await db.$executeRawUnsafe(`
    INSERT INTO "Sample" ("agentId", "replicaId", seq, "observedAt", "receivedAt", reachable, role, timeline,
                          "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds", "recoveryConflicts", "logicalConflicts", "queryLatencyMs")
    SELECT 'c' || substr(md5(r.id), 1, 24), r.id, s, $1::timestamptz + make_interval(secs => s), $1::timestamptz + make_interval(secs => s) + interval '40 ms',
           true, 'standby', 3, 120000000 + s * 8192, 120000000 + s * 8192 - (random() * 4096)::int, 120000000 + s * 8192 - (random() * 16384)::int,
           (random() * 16384)::int, random() * 0.5, (s / 600)::int, 0, 0.2 + random()
      FROM "Replica" r CROSS JOIN generate_series(1, $2::int) s WHERE r."serviceId" = 'bench-fleet'`, start, MINUTES * 60);
  await rollupSamples(30 * DAY_SECONDS * 1000, new Date());
  await db.$executeRawUnsafe(`VACUUM ANALYZE "Sample", "SampleRollup", "SampleRollupHour"`);

  const measure = async (table: string, partitioned: boolean) => {
    const [row] = await db.$queryRawUnsafe<{ bytes: bigint; rows: bigint }[]>(
      partitioned
        ? `SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = '"${table}"'::regclass)::bigint AS bytes, (SELECT count(*) FROM "${table}") AS rows`
        : `SELECT pg_total_relation_size('"${table}"')::bigint AS bytes, (SELECT count(*) FROM "${table}") AS rows`,
    );
    return { rows: Number(row!.rows), bytesPerRow: Number(row!.bytes) / Number(row!.rows) };
  };
  const raw = await measure("Sample", true);
  const minute = await measure("SampleRollup", false);
  const hour = await measure("SampleRollupHour", false);
  const perThousandPerDay = {
    raw: (raw.bytesPerRow * DAY_SECONDS * 1000) / GIB,
    minute: (minute.bytesPerRow * 1_440 * 1000) / GIB,
    hour: (hour.bytesPerRow * 24 * 1000) / GIB,
  };
  const steadyState = RETENTION_RULES.map((rule) => {
    // Raw samples go a partition at a time: up to a partition's width more than the window is on disk.
    const rawDays = rule.levels.rawMs / 86_400_000 + (rule.partitions === "day" ? 1 : 1 / 24);
    const gib = perThousandPerDay.raw * rawDays + (perThousandPerDay.minute * rule.levels.minuteRollupMs) / 86_400_000 + (perThousandPerDay.hour * rule.levels.hourRollupMs) / 86_400_000;
    return { rule: rule.id, partitions: rule.partitions, gibPer1000Replicas: round(gib, 1) };
  });
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
        parameters: { replicas: REPLICAS, minutesOfRawSamples: MINUTES },
        bytesPerRow: { raw: round(raw.bytesPerRow), minute: round(minute.bytesPerRow), hour: round(hour.bytesPerRow) },
        rows: { raw: raw.rows, minute: minute.rows, hour: hour.rows },
        gibPer1000ReplicasPerDay: { raw: round(perThousandPerDay.raw, 2), minute: round(perThousandPerDay.minute, 3), hour: round(perThousandPerDay.hour, 4) },
        steadyState,
      },
      null,
      2,
    ),
  );
} finally {
  await db.$disconnect();
  await controlPlane.stop();
}
