-- Region evacuation plans: one run per service, in order, within a concurrency, with a failure policy.
CREATE TYPE "PlanMode" AS ENUM ('switchover', 'failover');
CREATE TYPE "PlanStatus" AS ENUM ('scheduled', 'running', 'paused', 'succeeded', 'failed', 'aborted', 'cancelled');
CREATE TYPE "PlanFailurePolicy" AS ENUM ('stop', 'continue');
CREATE TYPE "PlanServiceState" AS ENUM ('pending', 'running', 'succeeded', 'not_needed', 'failed', 'skipped', 'cancelled');

CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "mode" "PlanMode" NOT NULL,
    "status" "PlanStatus" NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "failurePolicy" "PlanFailurePolicy" NOT NULL,
    "reason" TEXT NOT NULL,
    "order" JSONB NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3),
    "inMaintenanceWindow" BOOLEAN NOT NULL DEFAULT false,
    "startedById" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Plan_concurrency_positive" CHECK ("concurrency" > 0)
);
CREATE INDEX "Plan_status_idx" ON "Plan"("status");
CREATE INDEX "Plan_createdAt_idx" ON "Plan"("createdAt");
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "PlanService" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "dependsOn" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "plannedTarget" TEXT,
    "state" "PlanServiceState" NOT NULL DEFAULT 'pending',
    "runId" TEXT,
    "rule" TEXT,
    "note" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "PlanService_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PlanService_runId_key" ON "PlanService"("runId");
CREATE UNIQUE INDEX "PlanService_planId_serviceId_key" ON "PlanService"("planId", "serviceId");
CREATE INDEX "PlanService_state_idx" ON "PlanService"("state");
ALTER TABLE "PlanService" ADD CONSTRAINT "PlanService_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PlanService" ADD CONSTRAINT "PlanService_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "PlanService" ADD CONSTRAINT "PlanService_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Run" ADD COLUMN "planId" TEXT;
CREATE INDEX "Run_planId_idx" ON "Run"("planId");
ALTER TABLE "Run" ADD CONSTRAINT "Run_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;
