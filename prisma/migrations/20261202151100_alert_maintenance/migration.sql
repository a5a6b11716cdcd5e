-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "maintenance" TEXT;
