-- DropIndex
DROP INDEX "Agent_replicaId_key";

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "seqBaselinePending" BOOLEAN NOT NULL DEFAULT true;

-- Agents that have stored reports keep the bound on their sequence numbers at once (hand-written).
UPDATE "Agent" SET "seqBaselinePending" = false WHERE "lastHeartbeatAt" IS NOT NULL;

-- One active agent per replica; revoked ones stay, so that a replica can get a new agent (hand-written: Prisma cannot express a partial index).
CREATE UNIQUE INDEX "Agent_active_replicaId_key" ON "Agent"("replicaId") WHERE "revokedAt" IS NULL;
