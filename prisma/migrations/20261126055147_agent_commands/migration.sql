-- CreateEnum
CREATE TYPE "CommandStatus" AS ENUM ('pending', 'delivered', 'succeeded', 'failed', 'refused', 'expired');

-- CreateTable
CREATE TABLE "AgentCommand" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "epoch" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "status" "CommandStatus" NOT NULL DEFAULT 'pending',
    "runId" TEXT,
    "stepRunId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "deliveredAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "output" JSONB,
    "error" TEXT,

    CONSTRAINT "AgentCommand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AgentCommand_idempotencyKey_key" ON "AgentCommand"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AgentCommand_agentId_status_idx" ON "AgentCommand"("agentId", "status");

-- AddForeignKey
ALTER TABLE "AgentCommand" ADD CONSTRAINT "AgentCommand_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
