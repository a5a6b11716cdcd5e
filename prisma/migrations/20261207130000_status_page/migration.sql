-- The public status page's components: public names for services.
CREATE TABLE "StatusComponent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatusComponent_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "StatusComponent_name_key" ON "StatusComponent"("name");

CREATE TABLE "StatusComponentService" (
    "componentId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,

    CONSTRAINT "StatusComponentService_pkey" PRIMARY KEY ("componentId","serviceId")
);

CREATE INDEX "StatusComponentService_serviceId_idx" ON "StatusComponentService"("serviceId");

ALTER TABLE "StatusComponentService" ADD CONSTRAINT "StatusComponentService_componentId_fkey" FOREIGN KEY ("componentId") REFERENCES "StatusComponent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "StatusComponentService" ADD CONSTRAINT "StatusComponentService_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;
