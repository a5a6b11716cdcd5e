-- Plan drills (each child run recorded as a drill) and drills that wait for a second person's approval.
ALTER TYPE "PlanStatus" ADD VALUE 'awaiting_approval';
ALTER TYPE "DrillStatus" ADD VALUE 'awaiting_approval';
ALTER TYPE "DrillStatus" ADD VALUE 'rejected';
ALTER TYPE "DrillStatus" ADD VALUE 'expired';

ALTER TABLE "Plan" ADD COLUMN "drillSwitchBack" BOOLEAN;

ALTER TABLE "Drill" ADD COLUMN "planId" TEXT;
CREATE INDEX "Drill_planId_idx" ON "Drill"("planId");
ALTER TABLE "Drill" ADD CONSTRAINT "Drill_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TYPE "DrillApprovalStatus" AS ENUM ('pending', 'approved', 'rejected', 'expired');

CREATE TABLE "DrillApproval" (
    "id" TEXT NOT NULL,
    "drillId" TEXT,
    "planId" TEXT,
    "requesterId" TEXT,
    "services" TEXT[],
    "status" "DrillApprovalStatus" NOT NULL DEFAULT 'pending',
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DrillApproval_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DrillApproval_drillId_key" ON "DrillApproval"("drillId");
CREATE UNIQUE INDEX "DrillApproval_planId_key" ON "DrillApproval"("planId");
CREATE INDEX "DrillApproval_status_expiresAt_idx" ON "DrillApproval"("status", "expiresAt");
ALTER TABLE "DrillApproval" ADD CONSTRAINT "DrillApproval_drillId_fkey" FOREIGN KEY ("drillId") REFERENCES "Drill"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DrillApproval" ADD CONSTRAINT "DrillApproval_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
