-- Scheduled runs: a run can wait for its time, be cancelled before it, or be refused at it.
ALTER TYPE "RunStatus" ADD VALUE 'scheduled';
ALTER TYPE "RunStatus" ADD VALUE 'cancelled';
ALTER TYPE "RunStatus" ADD VALUE 'refused';

ALTER TABLE "Run" ADD COLUMN "scheduledAt" TIMESTAMPTZ(3);
ALTER TABLE "Run" ADD COLUMN "inMaintenanceWindow" BOOLEAN NOT NULL DEFAULT false;

-- The executor looks for due scheduled runs every tick.
CREATE INDEX "Run_status_scheduledAt_idx" ON "Run"("status", "scheduledAt");
