-- CreateTable
CREATE TABLE "PrimaryLease" (
    "replicaId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "renewedAt" TIMESTAMPTZ(3) NOT NULL,
    "periodMs" INTEGER NOT NULL,
    "witnesses" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "PrimaryLease_pkey" PRIMARY KEY ("replicaId")
);

-- CreateIndex
CREATE INDEX "PrimaryLease_serviceId_idx" ON "PrimaryLease"("serviceId");

-- CreateIndex
CREATE INDEX "AgentCommand_runId_idx" ON "AgentCommand"("runId");

-- AddForeignKey
ALTER TABLE "PrimaryLease" ADD CONSTRAINT "PrimaryLease_replicaId_fkey" FOREIGN KEY ("replicaId") REFERENCES "Replica"("id") ON DELETE CASCADE ON UPDATE CASCADE;
