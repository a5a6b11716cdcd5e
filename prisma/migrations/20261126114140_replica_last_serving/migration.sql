-- AlterTable
ALTER TABLE "ReplicaState" ADD COLUMN     "lastServingAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastServingReport" JSONB;
