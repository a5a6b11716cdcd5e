-- CreateEnum
CREATE TYPE "ChangeRequestKind" AS ENUM ('policy', 'topology');

-- DropIndex
DROP INDEX "Replica_serviceId_name_key";

-- AlterTable
ALTER TABLE "Replica" ADD COLUMN     "retiredAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "kind" "ChangeRequestKind" NOT NULL DEFAULT 'policy',
ADD COLUMN     "topologyScope" TEXT,
ALTER COLUMN "policyId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "TopologyScope" (
    "scope" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TopologyScope_pkey" PRIMARY KEY ("scope")
);

-- CreateIndex
CREATE INDEX "Replica_serviceId_idx" ON "Replica"("serviceId");

-- One active replica per name within a service; retired ones keep theirs (hand-written: Prisma cannot express a partial index).
CREATE UNIQUE INDEX "Replica_active_serviceId_name_key" ON "Replica"("serviceId", "name") WHERE "retiredAt" IS NULL;

-- Each kind names what it changes (hand-written: Prisma cannot express a check).
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_subject_check"
  CHECK ((kind = 'policy' AND "policyId" IS NOT NULL AND "topologyScope" IS NULL) OR (kind = 'topology' AND "policyId" IS NULL AND "topologyScope" IS NOT NULL));
