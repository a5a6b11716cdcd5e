-- One-hour rollups of the one-minute ones, kept for months: what a range of
-- 30 or 90 days reads (core/fleet/retention-plan.ts).
CREATE TABLE "SampleRollupHour" (
    "replicaId" TEXT NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "reachableSamples" INTEGER NOT NULL,
    "lagBytesMin" BIGINT,
    "lagBytesAvg" DOUBLE PRECISION,
    "lagBytesMax" BIGINT,
    "lagSecondsMin" DOUBLE PRECISION,
    "lagSecondsAvg" DOUBLE PRECISION,
    "lagSecondsMax" DOUBLE PRECISION,
    "recoveryConflictsMax" INTEGER NOT NULL,
    "logicalConflictsMax" INTEGER NOT NULL,

    CONSTRAINT "SampleRollupHour_pkey" PRIMARY KEY ("replicaId","bucketStart")
);

CREATE INDEX "SampleRollupHour_bucketStart_idx" ON "SampleRollupHour"("bucketStart");

-- The minutes already kept, folded into their hours, so a long range shows
-- the past from the first day rather than only what arrives from now on.
INSERT INTO "SampleRollupHour" ("replicaId", "bucketStart", samples, "reachableSamples",
                                "lagBytesMin", "lagBytesAvg", "lagBytesMax", "lagSecondsMin", "lagSecondsAvg", "lagSecondsMax",
                                "recoveryConflictsMax", "logicalConflictsMax")
SELECT "replicaId", date_trunc('hour', "bucketStart"), sum(samples)::int, sum("reachableSamples")::int,
       min("lagBytesMin"), (sum("lagBytesAvg" * samples) / nullif(sum(samples) FILTER (WHERE "lagBytesAvg" IS NOT NULL), 0))::float8, max("lagBytesMax"),
       min("lagSecondsMin"), (sum("lagSecondsAvg" * samples) / nullif(sum(samples) FILTER (WHERE "lagSecondsAvg" IS NOT NULL), 0))::float8, max("lagSecondsMax"),
       max("recoveryConflictsMax"), max("logicalConflictsMax")
  FROM "SampleRollup"
 GROUP BY "replicaId", date_trunc('hour', "bucketStart");
