-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "droppedReports" INTEGER NOT NULL DEFAULT 0;

-- Sample becomes partitioned by day on "receivedAt" (hand-written: Prisma
-- does not model partitioning). Retention then drops whole partitions, and
-- the table carries no foreign keys or unique (agent, seq) index, which
-- partitioned tables could not enforce anyway: exactly-once delivery comes
-- from "Agent"."lastSeq". The maintenance job creates each day's partition
-- ahead of time; the default partition only catches stragglers.
DROP TABLE "Sample";

CREATE TABLE "Sample" (
    "id" BIGSERIAL NOT NULL,
    "agentId" TEXT NOT NULL,
    "replicaId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "observedAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "reachable" BOOLEAN NOT NULL,
    "role" "ReplicaRole",
    "timeline" INTEGER,
    "currentLsn" BIGINT,
    "receivedLsn" BIGINT,
    "replayedLsn" BIGINT,
    "lagBytes" BIGINT,
    "lagSeconds" DOUBLE PRECISION,
    "recoveryConflicts" INTEGER NOT NULL DEFAULT 0,
    "logicalConflicts" INTEGER NOT NULL DEFAULT 0,
    "queryLatencyMs" DOUBLE PRECISION,

    CONSTRAINT "Sample_pkey" PRIMARY KEY ("id", "receivedAt")
) PARTITION BY RANGE ("receivedAt");

CREATE TABLE "Sample_default" PARTITION OF "Sample" DEFAULT;

-- Health is judged by the control plane from each report and the policy, not stored.
DROP TYPE "Health";

-- CreateTable
CREATE TABLE "SampleRollup" (
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

    CONSTRAINT "SampleRollup_pkey" PRIMARY KEY ("replicaId","bucketStart")
);

-- CreateTable
CREATE TABLE "ReplicaState" (
    "replicaId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "lastSeq" BIGINT NOT NULL,
    "observedAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "reachable" BOOLEAN NOT NULL,
    "role" "ReplicaRole",
    "timeline" INTEGER,
    "currentLsn" BIGINT,
    "receivedLsn" BIGINT,
    "replayedLsn" BIGINT,
    "lagBytes" BIGINT,
    "lagSeconds" DOUBLE PRECISION,
    "recoveryConflicts" INTEGER NOT NULL,
    "logicalConflicts" INTEGER NOT NULL,
    "queryLatencyMs" DOUBLE PRECISION,
    "report" JSONB NOT NULL,

    CONSTRAINT "ReplicaState_pkey" PRIMARY KEY ("replicaId")
);

-- CreateTable
CREATE TABLE "WitnessLink" (
    "fromReplicaId" TEXT NOT NULL,
    "toReplicaId" TEXT NOT NULL,
    "reachable" BOOLEAN NOT NULL,
    "rttMs" DOUBLE PRECISION,
    "error" TEXT,
    "observedAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "unreachableSince" TIMESTAMPTZ(3),

    CONSTRAINT "WitnessLink_pkey" PRIMARY KEY ("fromReplicaId","toReplicaId")
);

-- CreateTable
CREATE TABLE "JobCursor" (
    "name" TEXT NOT NULL,
    "position" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "JobCursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "token" BIGINT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "SampleRollup_bucketStart_idx" ON "SampleRollup"("bucketStart");

-- CreateIndex
CREATE INDEX "WitnessLink_toReplicaId_idx" ON "WitnessLink"("toReplicaId");

-- CreateIndex
CREATE INDEX "Sample_replicaId_observedAt_idx" ON "Sample"("replicaId", "observedAt");

-- CreateIndex
CREATE INDEX "Sample_receivedAt_idx" ON "Sample"("receivedAt");

-- AddForeignKey
ALTER TABLE "ReplicaState" ADD CONSTRAINT "ReplicaState_replicaId_fkey" FOREIGN KEY ("replicaId") REFERENCES "Replica"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WitnessLink" ADD CONSTRAINT "WitnessLink_fromReplicaId_fkey" FOREIGN KEY ("fromReplicaId") REFERENCES "Replica"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WitnessLink" ADD CONSTRAINT "WitnessLink_toReplicaId_fkey" FOREIGN KEY ("toReplicaId") REFERENCES "Replica"("id") ON DELETE CASCADE ON UPDATE CASCADE;
