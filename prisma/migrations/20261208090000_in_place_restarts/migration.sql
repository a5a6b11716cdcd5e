-- An agent's restarts of its crashed server in place (core/agents/in-place-restart.ts), as its reports told them.
CREATE TABLE "InPlaceRestart" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "attemptId" TEXT NOT NULL,
    "replicaId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "detail" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "heardAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InPlaceRestart_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "InPlaceRestart_agentId_attemptId_key" ON "InPlaceRestart"("agentId", "attemptId");
CREATE INDEX "InPlaceRestart_replicaId_heardAt_idx" ON "InPlaceRestart"("replicaId", "heardAt");
CREATE INDEX "InPlaceRestart_serviceId_heardAt_idx" ON "InPlaceRestart"("serviceId", "heardAt");
