-- What an incident's commander tells the public status page: its public title and each update's public text.
ALTER TABLE "Incident" ADD COLUMN "publicTitle" TEXT;
ALTER TABLE "IncidentUpdate" ADD COLUMN "publicNote" TEXT;
