-- AlterTable
ALTER TABLE "PrimaryLease" ADD COLUMN     "lapseRecordedAt" TIMESTAMPTZ(3);
