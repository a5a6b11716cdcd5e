-- Labels on services (`{"tier": "critical"}`), to select services by, e.g. for a region evacuation.
ALTER TABLE "Service" ADD COLUMN "labels" JSONB NOT NULL DEFAULT '{}';
