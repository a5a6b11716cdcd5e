-- AlterTable
ALTER TABLE "SelfFence" ADD COLUMN     "fenceAudited" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "fenceAuditedAt" TIMESTAMPTZ(3),
ADD COLUMN     "unauditedChanges" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "fencedAt" DROP NOT NULL;

-- A row before this migration is a fence in place whose start was audited.
UPDATE "SelfFence" SET "fenceAudited" = true, "fenceAuditedAt" = "fencedAt";
