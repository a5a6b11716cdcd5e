-- Throttle keys change shape (account and address, address, account: core/access/sign-in-limits.ts),
-- so counters kept under the old keys (email:…, ip:…) mean nothing now; they are short-lived anyway.
DELETE FROM "SignInThrottle";

-- AlterTable
ALTER TABLE "SignInThrottle" ADD COLUMN     "alertedAt" TIMESTAMPTZ(3),
ADD COLUMN     "expiresAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "refusals" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "refusedSince" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "AlertNotification" ALTER COLUMN "alertId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "SignInThrottle_expiresAt_idx" ON "SignInThrottle"("expiresAt");
