-- CreateTable
CREATE TABLE "AutomationPause" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "serviceId" TEXT,
    "activeScope" TEXT,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "endedBy" TEXT,

    CONSTRAINT "AutomationPause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationAcknowledgement" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationAcknowledgement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AutomationPause_activeScope_key" ON "AutomationPause"("activeScope");

-- CreateIndex
CREATE INDEX "AutomationPause_createdAt_idx" ON "AutomationPause"("createdAt");

-- CreateIndex
CREATE INDEX "AutomationAcknowledgement_serviceId_at_idx" ON "AutomationAcknowledgement"("serviceId", "at");

-- AddForeignKey
ALTER TABLE "AutomationPause" ADD CONSTRAINT "AutomationPause_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationAcknowledgement" ADD CONSTRAINT "AutomationAcknowledgement_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
