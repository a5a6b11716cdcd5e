import "server-only";
import { db } from "../db/client";
import { MAX_FUTURE_SKEW_MS } from "../ingest/ingest-batch";

/** The job cursor: samples received before it are rolled up. */
export const ROLLUP_CURSOR = "sample-rollup";

// Samples are timestamped by the control plane when their request arrives but
// become visible only when it commits; staying this far behind "now" keeps a
// slow commit from being skipped.
const COMMIT_MARGIN_MS = 10_000;

/**
 * Folds samples received since the last run into one-minute rollups per
 * replica, bucketed by when the agent measured. A late batch (delivered after
 * an outage) lands in minutes already rolled up, so every touched minute is
 * recomputed whole from the raw samples rather than incremented.
 */
export async function rollupSamples(now = new Date()): Promise<{ buckets: number; through: Date }> {
  const cursor = await db().jobCursor.findUnique({ where: { name: ROLLUP_CURSOR } });
  const from = cursor?.position ?? new Date(0);
  const to = new Date(now.getTime() - COMMIT_MARGIN_MS);
  if (to <= from) return { buckets: 0, through: from };
  const skew = MAX_FUTURE_SKEW_MS / 1000;
  const buckets = await db().$executeRaw`
    WITH touched AS (
      SELECT DISTINCT "replicaId", date_trunc('minute', "observedAt") AS bucket
        FROM "Sample" WHERE "receivedAt" > ${from} AND "receivedAt" <= ${to}
    )
    INSERT INTO "SampleRollup" ("replicaId", "bucketStart", samples, "reachableSamples",
                                "lagBytesMin", "lagBytesAvg", "lagBytesMax", "lagSecondsMin", "lagSecondsAvg", "lagSecondsMax",
                                "recoveryConflictsMax", "logicalConflictsMax")
    SELECT t."replicaId", t.bucket, count(*)::int, (count(*) FILTER (WHERE s.reachable))::int,
           min(s."lagBytes"), avg(s."lagBytes")::float8, max(s."lagBytes"),
           min(s."lagSeconds"), avg(s."lagSeconds"), max(s."lagSeconds"),
           max(s."recoveryConflicts"), max(s."logicalConflicts")
      FROM touched t
      JOIN "Sample" s ON s."replicaId" = t."replicaId" AND s."observedAt" >= t.bucket AND s."observedAt" < t.bucket + interval '1 minute'
                     -- lets PostgreSQL skip partitions: a sample arrives after it was measured, give or take the allowed skew
                     AND s."receivedAt" >= t.bucket - make_interval(secs => ${skew})
     GROUP BY t."replicaId", t.bucket
    ON CONFLICT ("replicaId", "bucketStart") DO UPDATE SET
      samples = EXCLUDED.samples, "reachableSamples" = EXCLUDED."reachableSamples",
      "lagBytesMin" = EXCLUDED."lagBytesMin", "lagBytesAvg" = EXCLUDED."lagBytesAvg", "lagBytesMax" = EXCLUDED."lagBytesMax",
      "lagSecondsMin" = EXCLUDED."lagSecondsMin", "lagSecondsAvg" = EXCLUDED."lagSecondsAvg", "lagSecondsMax" = EXCLUDED."lagSecondsMax",
      "recoveryConflictsMax" = EXCLUDED."recoveryConflictsMax", "logicalConflictsMax" = EXCLUDED."logicalConflictsMax"`;
  await db().jobCursor.upsert({ where: { name: ROLLUP_CURSOR }, create: { name: ROLLUP_CURSOR, position: to }, update: { position: to } });
  return { buckets, through: to };
}

export async function dropExpiredRollups(retentionMs: number, now = new Date()): Promise<number> {
  return db().$executeRaw`DELETE FROM "SampleRollup" WHERE "bucketStart" < ${new Date(now.getTime() - retentionMs)}`;
}
