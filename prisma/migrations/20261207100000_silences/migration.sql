-- Silences of alerts (by service, rule and service labels, with an expiry and a reason), and notifications of groups of alerts.
CREATE TABLE "Silence" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT,
    "ruleId" TEXT,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "reason" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiredAt" TIMESTAMPTZ(3),
    "expiredBy" TEXT,
    CONSTRAINT "Silence_pkey" PRIMARY KEY ("id")
);
-- The evaluator reads the silences not yet over every second: bounded by their end.
CREATE INDEX "Silence_endsAt_idx" ON "Silence"("endsAt");
ALTER TABLE "Silence" ADD CONSTRAINT "Silence_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One notification per group of alerts (a service's) and webhook; the group it was written from, so that one still waiting takes in what joins it.
ALTER TABLE "AlertNotification" ADD COLUMN "groupKey" TEXT, ADD COLUMN "group" JSONB;
CREATE INDEX "AlertNotification_groupKey_nextAttemptAt_idx" ON "AlertNotification"("groupKey", "nextAttemptAt");
