-- Drills against budgets: every run's observed RTO, drills with their reports, repeating drill schedules.
ALTER TABLE "Run" ADD COLUMN "observedRtoMs" INTEGER, ADD COLUMN "observedRto" JSONB;

CREATE TYPE "DrillStatus" AS ENUM ('starting', 'running', 'switching_back', 'passed', 'failed', 'aborted');

CREATE TABLE "DrillSchedule" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "runbookId" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "switchBack" BOOLEAN NOT NULL,
    "everyDays" INTEGER NOT NULL,
    "inMaintenanceWindow" BOOLEAN NOT NULL,
    "nextDueAt" TIMESTAMPTZ(3) NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMPTZ(3),
    CONSTRAINT "DrillSchedule_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "DrillSchedule_nextDueAt_idx" ON "DrillSchedule"("nextDueAt");
ALTER TABLE "DrillSchedule" ADD CONSTRAINT "DrillSchedule_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Drill" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "runbookId" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "switchBack" BOOLEAN NOT NULL,
    "status" "DrillStatus" NOT NULL DEFAULT 'starting',
    "originalRegionId" TEXT,
    "runId" TEXT,
    "switchBackRunId" TEXT,
    "scheduleId" TEXT,
    "startedById" TEXT,
    "reason" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "Drill_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Drill_runId_key" ON "Drill"("runId");
CREATE UNIQUE INDEX "Drill_switchBackRunId_key" ON "Drill"("switchBackRunId");
CREATE INDEX "Drill_serviceId_createdAt_idx" ON "Drill"("serviceId", "createdAt");
ALTER TABLE "Drill" ADD CONSTRAINT "Drill_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Drill" ADD CONSTRAINT "Drill_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "DrillSchedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "DrillReport" (
    "drillId" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "observedRtoMs" INTEGER,
    "lostWrites" INTEGER,
    "canary" JSONB NOT NULL,
    "runRto" JSONB NOT NULL,
    "verdicts" JSONB NOT NULL,
    "steps" JSONB NOT NULL,
    "timeline" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DrillReport_pkey" PRIMARY KEY ("drillId")
);
ALTER TABLE "DrillReport" ADD CONSTRAINT "DrillReport_drillId_fkey" FOREIGN KEY ("drillId") REFERENCES "Drill"("id") ON DELETE CASCADE ON UPDATE CASCADE;
