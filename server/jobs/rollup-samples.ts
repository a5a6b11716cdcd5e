import "server-only";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { MAX_FUTURE_SKEW_MS } from "../ingest/ingest-batch";

/** The job cursor: samples received before it are rolled up. */
export const ROLLUP_CURSOR = "sample-rollup";

// Samples are timestamped by the control plane when their request arrives but
// become visible only when it commits; staying this far behind "now" keeps a
// slow commit from being skipped.
const COMMIT_MARGIN_MS = 10_000;

// Both rollup tables have these columns; a touched bucket is recomputed whole, so a conflict takes the new row.
const ROLLUP_COLUMNS = Prisma.raw(`("replicaId", "bucketStart", samples, "reachableSamples",
  "lagBytesMin", "lagBytesAvg", "lagBytesMax", "lagSecondsMin", "lagSecondsAvg", "lagSecondsMax", "recoveryConflictsMax", "logicalConflictsMax")`);
const RECOMPUTED_WHOLE = Prisma.raw(`ON CONFLICT ("replicaId", "bucketStart") DO UPDATE SET
  samples = EXCLUDED.samples, "reachableSamples" = EXCLUDED."reachableSamples",
  "lagBytesMin" = EXCLUDED."lagBytesMin", "lagBytesAvg" = EXCLUDED."lagBytesAvg", "lagBytesMax" = EXCLUDED."lagBytesMax",
  "lagSecondsMin" = EXCLUDED."lagSecondsMin", "lagSecondsAvg" = EXCLUDED."lagSecondsAvg", "lagSecondsMax" = EXCLUDED."lagSecondsMax",
  "recoveryConflictsMax" = EXCLUDED."recoveryConflictsMax", "logicalConflictsMax" = EXCLUDED."logicalConflictsMax"`);

/**
 * Folds samples received since the last run into one-minute rollups per
 * replica, bucketed by when the agent measured, and those minutes into
 * one-hour rollups. A late batch (delivered after an outage) lands in minutes
 * already rolled up, so every touched minute is recomputed whole from the raw
 * samples rather than incremented, and every touched hour whole from its
 * minutes — only while all of that hour's minutes are still kept
 * (`minuteRetentionMs`), so a very late report never shrinks an hour.
 */
export async function rollupSamples(minuteRetentionMs: number, now = new Date()): Promise<{ buckets: number; hours: number; through: Date }> {
  const cursor = await db().jobCursor.findUnique({ where: { name: ROLLUP_CURSOR } });
  const from = cursor?.position ?? new Date(0);
  const to = new Date(now.getTime() - COMMIT_MARGIN_MS);
  if (to <= from) return { buckets: 0, hours: 0, through: from };
  const skew = MAX_FUTURE_SKEW_MS / 1000;
  // The minutes written name the hours to fold: one pass over the new samples serves both levels.
  const touchedHours = await db().$queryRaw<{ replicaId: string; hour: Date; minutes: number }[]>`
    WITH touched AS (
      SELECT DISTINCT "replicaId", date_trunc('minute', "observedAt") AS bucket
        FROM "Sample" WHERE "receivedAt" > ${from} AND "receivedAt" <= ${to}
    ), written AS (
      INSERT INTO "SampleRollup" ${ROLLUP_COLUMNS}
      SELECT t."replicaId", t.bucket, count(*)::int, (count(*) FILTER (WHERE s.reachable))::int,
             min(s."lagBytes"), avg(s."lagBytes")::float8, max(s."lagBytes"),
             min(s."lagSeconds"), avg(s."lagSeconds"), max(s."lagSeconds"),
             max(s."recoveryConflicts"), max(s."logicalConflicts")
        FROM touched t
        JOIN "Sample" s ON s."replicaId" = t."replicaId" AND s."observedAt" >= t.bucket AND s."observedAt" < t.bucket + interval '1 minute'
                       -- lets PostgreSQL skip partitions: a sample arrives after it was measured, give or take the allowed skew
                       AND s."receivedAt" >= t.bucket - make_interval(secs => ${skew})
       GROUP BY t."replicaId", t.bucket
      ${RECOMPUTED_WHOLE}
      RETURNING "replicaId", "bucketStart"
    )
    SELECT "replicaId", date_trunc('hour', "bucketStart") AS hour, count(*)::int AS minutes FROM written GROUP BY 1, 2`;
  const buckets = touchedHours.reduce((sum, row) => sum + row.minutes, 0);
  const oldestWholeHour = new Date(now.getTime() - minuteRetentionMs + 3_600_000);
  const hours = touchedHours.length === 0 ? 0 : await db().$executeRaw`
    WITH touched AS (
      SELECT * FROM unnest(${touchedHours.map((row) => row.replicaId)}::text[], ${touchedHours.map((row) => row.hour.toISOString())}::timestamptz[]) AS t("replicaId", bucket)
    )
    INSERT INTO "SampleRollupHour" ${ROLLUP_COLUMNS}
    SELECT t."replicaId", t.bucket, sum(m.samples)::int, sum(m."reachableSamples")::int,
           min(m."lagBytesMin"), (sum(m."lagBytesAvg" * m.samples) / nullif(sum(m.samples) FILTER (WHERE m."lagBytesAvg" IS NOT NULL), 0))::float8, max(m."lagBytesMax"),
           min(m."lagSecondsMin"), (sum(m."lagSecondsAvg" * m.samples) / nullif(sum(m.samples) FILTER (WHERE m."lagSecondsAvg" IS NOT NULL), 0))::float8, max(m."lagSecondsMax"),
           max(m."recoveryConflictsMax"), max(m."logicalConflictsMax")
      FROM touched t
      JOIN "SampleRollup" m ON m."replicaId" = t."replicaId" AND m."bucketStart" >= t.bucket AND m."bucketStart" < t.bucket + interval '1 hour'
     WHERE t.bucket >= ${oldestWholeHour}
     GROUP BY t."replicaId", t.bucket
    ${RECOMPUTED_WHOLE}`;
  await db().jobCursor.upsert({ where: { name: ROLLUP_CURSOR }, create: { name: ROLLUP_CURSOR, position: to }, update: { position: to } });
  return { buckets, hours, through: to };
}

export async function dropExpiredRollups(levels: { minuteRollupMs: number; hourRollupMs: number }, now = new Date()): Promise<{ minutes: number; hours: number }> {
  const minutes = await db().$executeRaw`DELETE FROM "SampleRollup" WHERE "bucketStart" < ${new Date(now.getTime() - levels.minuteRollupMs)}`;
  const hours = await db().$executeRaw`DELETE FROM "SampleRollupHour" WHERE "bucketStart" < ${new Date(now.getTime() - levels.hourRollupMs)}`;
  return { minutes, hours };
}
