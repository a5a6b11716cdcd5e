-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "refusedWitnessKey" TEXT,
ADD COLUMN     "witnessKey" TEXT,
ADD COLUMN     "witnessKeyAt" TIMESTAMPTZ(3);
