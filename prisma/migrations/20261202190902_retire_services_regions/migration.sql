-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "retiredAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "retiredAt" TIMESTAMPTZ(3);
