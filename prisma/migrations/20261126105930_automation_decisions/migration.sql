-- CreateTable
CREATE TABLE "AutomationDecision" (
    "serviceId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "diagnosis" TEXT NOT NULL,
    "action" JSONB NOT NULL,
    "sentence" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "actedAt" TIMESTAMPTZ(3),
    "runId" TEXT,

    CONSTRAINT "AutomationDecision_pkey" PRIMARY KEY ("serviceId","ruleId","subject")
);

-- AddForeignKey
ALTER TABLE "AutomationDecision" ADD CONSTRAINT "AutomationDecision_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
