-- Paging: on-call schedules with overrides, escalation policies (one may be the default), people's paging contacts, and every page sent.
CREATE TYPE "RotationPeriod" AS ENUM ('daily', 'weekly');
CREATE TYPE "NotificationFormat" AS ENUM ('switchyard', 'alertmanager', 'slack', 'pagerduty');

CREATE TABLE "OnCallSchedule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "period" "RotationPeriod" NOT NULL,
    "startDate" TEXT NOT NULL,
    "handoffTime" TEXT NOT NULL,
    "people" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "OnCallSchedule_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "OnCallSchedule_name_key" ON "OnCallSchedule"("name");

CREATE TABLE "OnCallOverride" (
    "id" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OnCallOverride_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OnCallOverride_scheduleId_endsAt_idx" ON "OnCallOverride"("scheduleId", "endsAt");
ALTER TABLE "OnCallOverride" ADD CONSTRAINT "OnCallOverride_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "OnCallSchedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "EscalationPolicy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "defaultScope" TEXT,
    "levels" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "EscalationPolicy_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "EscalationPolicy_name_key" ON "EscalationPolicy"("name");
CREATE UNIQUE INDEX "EscalationPolicy_defaultScope_key" ON "EscalationPolicy"("defaultScope");

-- A service without a policy of its own (or whose policy is deleted) falls back to the default one.
ALTER TABLE "Service" ADD COLUMN "escalationPolicyId" TEXT;
ALTER TABLE "Service" ADD CONSTRAINT "Service_escalationPolicyId_fkey" FOREIGN KEY ("escalationPolicyId") REFERENCES "EscalationPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "PagingContact" (
    "userId" TEXT NOT NULL,
    "format" "NotificationFormat" NOT NULL,
    "url" TEXT NOT NULL,
    "routingKey" TEXT,
    "timeZone" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "PagingContact_pkey" PRIMARY KEY ("userId")
);
ALTER TABLE "PagingContact" ADD CONSTRAINT "PagingContact_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "AlertPage" (
    "id" TEXT NOT NULL,
    "alertId" TEXT NOT NULL,
    "policyId" TEXT,
    "level" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "scheduleId" TEXT,
    "rule" TEXT NOT NULL,
    "sentence" TEXT NOT NULL,
    "notificationId" TEXT,
    "undeliverable" TEXT,
    "sentAt" TIMESTAMPTZ(3) NOT NULL,
    "acknowledgeSentAt" TIMESTAMPTZ(3),
    "resolveSentAt" TIMESTAMPTZ(3),
    CONSTRAINT "AlertPage_pkey" PRIMARY KEY ("id")
);
-- A person is paged once per level of an alert, however many copies race.
CREATE UNIQUE INDEX "AlertPage_alertId_level_userId_key" ON "AlertPage"("alertId", "level", "userId");
ALTER TABLE "AlertPage" ADD CONSTRAINT "AlertPage_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
