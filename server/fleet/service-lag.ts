import "server-only";
import { lagSeries, type LagBucketRow } from "@/core/fleet/lag-series";
import { rpoBudgetSeconds } from "@/core/policy/budgets";
import { planLagRange, type LagRange, type LagSegment } from "@/core/fleet/lag-range";
import { summariseServiceEvent, TIMELINE_EXCLUDED_ACTIONS } from "@/core/fleet/service-events";
import type { ServiceLag } from "@/contracts/service-lag";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { MAX_FUTURE_SKEW_MS } from "../ingest/ingest-batch";
import { currentRetention } from "../jobs/job-settings";
import { ROLLUP_CURSOR } from "../jobs/rollup-samples";
import { effectivePolicies } from "../policy/effective-policy";
import { replicasOf } from "./service-view";

// Enough for any incident on a chart; a busier window shows its newest events.
const MAX_EVENTS = 200;

interface BucketRow {
  replicaId: string;
  t: Date;
  samples: number;
  lagBytesAvg: number | null;
  lagBytesMax: number | null;
  lagSecondsAvg: number | null;
  lagSecondsMax: number | null;
  rcFirst: number;
  rcLast: number;
  rcSteps: number;
  lcFirst: number;
  lcLast: number;
  lcSteps: number;
}

/**
 * Raw samples per bucket. A counter's steps are summed inside the bucket only
 * (the step into it is added when buckets are joined up, across segments
 * too); a drop counts what the restarted engine counted since.
 */
function rawBuckets(replicaIds: string[], segment: LagSegment, bucketSeconds: number): Promise<BucketRow[]> {
  // A sample arrives after it was measured, give or take the allowed agent clock skew; this bound lets PostgreSQL skip day partitions.
  const receivedFloor = new Date(segment.from.getTime() - MAX_FUTURE_SKEW_MS);
  return db().$queryRaw<BucketRow[]>`
    WITH s AS (
      SELECT "replicaId", date_bin(make_interval(secs => ${bucketSeconds}), "observedAt", TIMESTAMPTZ 'epoch') AS t,
             "observedAt", seq, "lagBytes", "lagSeconds", "recoveryConflicts" AS rc, "logicalConflicts" AS lc
        FROM "Sample"
       WHERE "replicaId" = ANY(${replicaIds}) AND "observedAt" >= ${segment.from} AND "observedAt" < ${segment.to}
         AND "receivedAt" >= ${receivedFloor}
    ), steps AS (
      SELECT *, lag(rc) OVER w AS prev_rc, lag(lc) OVER w AS prev_lc
        FROM s WINDOW w AS (PARTITION BY "replicaId", t ORDER BY "observedAt", seq)
    )
    SELECT "replicaId", t, count(*)::int AS samples,
           avg("lagBytes")::float8 AS "lagBytesAvg", max("lagBytes")::float8 AS "lagBytesMax",
           avg("lagSeconds") AS "lagSecondsAvg", max("lagSeconds") AS "lagSecondsMax",
           (array_agg(rc ORDER BY "observedAt", seq))[1] AS "rcFirst",
           (array_agg(rc ORDER BY "observedAt" DESC, seq DESC))[1] AS "rcLast",
           coalesce(sum(CASE WHEN prev_rc IS NULL THEN 0 WHEN rc >= prev_rc THEN rc - prev_rc ELSE rc END), 0)::int AS "rcSteps",
           (array_agg(lc ORDER BY "observedAt", seq))[1] AS "lcFirst",
           (array_agg(lc ORDER BY "observedAt" DESC, seq DESC))[1] AS "lcLast",
           coalesce(sum(CASE WHEN prev_lc IS NULL THEN 0 WHEN lc >= prev_lc THEN lc - prev_lc ELSE lc END), 0)::int AS "lcSteps"
      FROM steps
     GROUP BY "replicaId", t`;
}

const ROLLUP_TABLES = { rollup: Prisma.raw('"SampleRollup"'), "hour-rollup": Prisma.raw('"SampleRollupHour"') } as const;

/**
 * One-minute or one-hour rollups per bucket. A rollup keeps only each
 * counter's highest value in its minute (hour), which stands for its reading;
 * averages are weighted by the rollup's samples.
 */
function rollupBuckets(level: keyof typeof ROLLUP_TABLES, replicaIds: string[], segment: LagSegment, bucketSeconds: number): Promise<BucketRow[]> {
  return db().$queryRaw<BucketRow[]>`
    WITH m AS (
      SELECT "replicaId", date_bin(make_interval(secs => ${bucketSeconds}), "bucketStart", TIMESTAMPTZ 'epoch') AS t,
             "bucketStart", samples, "lagBytesAvg", "lagBytesMax", "lagSecondsAvg", "lagSecondsMax",
             "recoveryConflictsMax" AS rc, "logicalConflictsMax" AS lc
        FROM ${ROLLUP_TABLES[level]}
       WHERE "replicaId" = ANY(${replicaIds}) AND "bucketStart" >= ${segment.from} AND "bucketStart" < ${segment.to}
    ), steps AS (
      SELECT *, lag(rc) OVER w AS prev_rc, lag(lc) OVER w AS prev_lc
        FROM m WINDOW w AS (PARTITION BY "replicaId", t ORDER BY "bucketStart")
    )
    SELECT "replicaId", t, sum(samples)::int AS samples,
           (sum("lagBytesAvg" * samples) / nullif(sum(samples) FILTER (WHERE "lagBytesAvg" IS NOT NULL), 0))::float8 AS "lagBytesAvg",
           max("lagBytesMax")::float8 AS "lagBytesMax",
           (sum("lagSecondsAvg" * samples) / nullif(sum(samples) FILTER (WHERE "lagSecondsAvg" IS NOT NULL), 0))::float8 AS "lagSecondsAvg",
           max("lagSecondsMax") AS "lagSecondsMax",
           (array_agg(rc ORDER BY "bucketStart"))[1] AS "rcFirst",
           (array_agg(rc ORDER BY "bucketStart" DESC))[1] AS "rcLast",
           coalesce(sum(CASE WHEN prev_rc IS NULL THEN 0 WHEN rc >= prev_rc THEN rc - prev_rc ELSE rc END), 0)::int AS "rcSteps",
           (array_agg(lc ORDER BY "bucketStart"))[1] AS "lcFirst",
           (array_agg(lc ORDER BY "bucketStart" DESC))[1] AS "lcLast",
           coalesce(sum(CASE WHEN prev_lc IS NULL THEN 0 WHEN lc >= prev_lc THEN lc - prev_lc ELSE lc END), 0)::int AS "lcSteps"
      FROM steps
     GROUP BY "replicaId", t`;
}

const toBucketRow = (row: BucketRow): LagBucketRow => ({
  replicaId: row.replicaId,
  t: row.t,
  samples: row.samples,
  lagBytesAvg: row.lagBytesAvg,
  lagBytesMax: row.lagBytesMax,
  lagSecondsAvg: row.lagSecondsAvg,
  lagSecondsMax: row.lagSecondsMax,
  recoveryConflicts: { first: row.rcFirst, last: row.rcLast, steps: row.rcSteps },
  logicalConflicts: { first: row.lcFirst, last: row.lcLast, steps: row.lcSteps },
});

/** A service's lag and conflicts per replica over a range, with its RPO budget and the events of the window. */
export async function serviceLag(serviceId: string, range: LagRange, now = new Date()): Promise<ServiceLag> {
  const found = await db().service.findUnique({ where: { id: serviceId }, select: { retiredAt: true } });
  if (!found) throw new NotFoundError(`No service with id ${serviceId}.`);
  const [service, cursor] = await Promise.all([
    db().service.findUniqueOrThrow({ where: { id: serviceId }, include: { datasets: true, replicas: replicasOf(found.retiredAt) } }),
    db().jobCursor.findUnique({ where: { name: ROLLUP_CURSOR } }),
  ]);

  const retention = await currentRetention();
  const plan = planLagRange(range, now, {
    rolledUpThrough: cursor?.position ?? null,
    rawRetentionMs: retention.rawMs,
    rollupRetentionMs: retention.minuteRollupMs,
    hourRollupRetentionMs: retention.hourRollupMs,
  });
  const replicaIds = service.replicas.map((replica) => replica.id);
  const [policy, events, ...segmentRows] = await Promise.all([
    effectivePolicies([serviceId]).then((policies) => policies.get(serviceId)),
    db().auditEvent.findMany({
      where: { serviceId, at: { gte: plan.from, lte: plan.to }, action: { notIn: [...TIMELINE_EXCLUDED_ACTIONS] } },
      orderBy: { at: "desc" },
      take: MAX_EVENTS,
    }),
    ...plan.segments.map((segment) =>
      segment.source === "raw" ? rawBuckets(replicaIds, segment, plan.bucketSeconds) : rollupBuckets(segment.source, replicaIds, segment, plan.bucketSeconds),
    ),
  ]);
  const series = lagSeries(segmentRows.flat().map(toBucketRow));

  return {
    serviceId,
    range,
    source: plan.source,
    bucketSeconds: plan.bucketSeconds,
    from: plan.from.toISOString(),
    to: plan.to.toISOString(),
    segments: plan.segments.map((segment) => ({ source: segment.source, from: segment.from.toISOString(), to: segment.to.toISOString() })),
    rpoSeconds: rpoBudgetSeconds(service.datasets),
    maxLagBytes: policy?.document.failover.maxLagBytes ?? null,
    replicas: service.replicas.map((replica) => ({
      replicaId: replica.id,
      name: replica.name,
      regionId: replica.regionId,
      role: replica.role,
      replication: replica.replication,
      points: series.get(replica.id) ?? [],
    })),
    events: events.reverse().map((event) => ({
      at: event.at.toISOString(),
      action: event.action,
      summary: summariseServiceEvent(event),
      runId: event.runId,
    })),
    generatedAt: now.toISOString(),
  };
}
