-- CreateTable
CREATE TABLE "LoopProgress" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "lastPassAt" TIMESTAMPTZ(3),
    "lastPassMs" INTEGER,
    "subjects" INTEGER,
    "lastErrorAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "failures" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "LoopProgress_pkey" PRIMARY KEY ("name")
);
