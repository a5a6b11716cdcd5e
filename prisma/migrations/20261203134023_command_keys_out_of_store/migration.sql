-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "commandKeyGeneration" INTEGER;

-- Secrets leave the store. The control plane moves what the table holds into
-- its key provider before it migrates (server/keys/move-store-secrets.ts); a
-- table that still holds anything was not moved, and dropping it would lose
-- the keys sessions and enrolled agents depend on.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "ControlPlaneSecret") THEN
    RAISE EXCEPTION 'ControlPlaneSecret still holds secrets: start the control plane (npm start) to move them into its key folder before migrating';
  END IF;
END $$;
DROP TABLE "ControlPlaneSecret";

-- CreateTable
CREATE TABLE "CommandKey" (
    "id" TEXT NOT NULL,
    "keyName" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMPTZ(3),
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "CommandKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommandKeyStatement" (
    "generation" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommandKeyStatement_pkey" PRIMARY KEY ("generation")
);

-- CreateIndex
CREATE UNIQUE INDEX "CommandKey_keyName_key" ON "CommandKey"("keyName");

-- One key signs, and at most one is on its way in.
CREATE UNIQUE INDEX "CommandKey_one_current" ON "CommandKey"("state") WHERE "state" = 'current';
CREATE UNIQUE INDEX "CommandKey_one_next" ON "CommandKey"("state") WHERE "state" = 'next';
ALTER TABLE "CommandKey" ADD CONSTRAINT "CommandKey_state_check" CHECK ("state" IN ('next', 'current', 'retired'));
