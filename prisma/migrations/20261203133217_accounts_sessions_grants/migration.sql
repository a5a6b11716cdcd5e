-- CreateEnum
CREATE TYPE "RoleGrantStatus" AS ENUM ('pending', 'applied', 'rejected');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "passwordChangedAt" TIMESTAMPTZ(3),
ADD COLUMN     "passwordResetAt" TIMESTAMPTZ(3),
ADD COLUMN     "passwordResetById" TEXT,
ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Alert" ALTER COLUMN "serviceId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "RoleGrant" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "roles" "Role"[],
    "status" "RoleGrantStatus" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "requesterId" TEXT,
    "deciderId" TEXT,
    "decisionNote" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RoleGrant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoleGrant_userId_status_idx" ON "RoleGrant"("userId", "status");

-- CreateIndex
CREATE INDEX "RoleGrant_status_createdAt_idx" ON "RoleGrant"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_deciderId_fkey" FOREIGN KEY ("deciderId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- An alert about the installation (no service, e.g. an account) is open at most once per rule and subject too.
DROP INDEX "Alert_open_service_rule_subject_key";
CREATE UNIQUE INDEX "Alert_open_service_rule_subject_key" ON "Alert"(COALESCE("serviceId", ''), "ruleId", "subjectKey") WHERE "state" <> 'resolved';
