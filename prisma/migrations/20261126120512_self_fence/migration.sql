-- CreateTable
CREATE TABLE "SelfFence" (
    "replicaId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "fencedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SelfFence_pkey" PRIMARY KEY ("replicaId")
);
