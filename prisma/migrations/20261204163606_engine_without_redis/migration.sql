-- `redis` leaves the engine enum: nothing observes, commands or fails over a
-- Redis service, and no issue plans one (`mysql` stays for the MariaDB
-- adapter). No API ever accepted it (the fleet document, discovery and the
-- agents speak postgresql and simulated only), so a row holding it was written
-- by hand: refuse with a message naming the rows rather than fail on the cast.
DO $$
DECLARE
  services TEXT;
  replicas TEXT;
BEGIN
  SELECT string_agg(id, ', ' ORDER BY id) INTO services FROM "Service" WHERE engine = 'redis';
  SELECT string_agg(id, ', ' ORDER BY id) INTO replicas FROM "Replica" WHERE engine = 'redis';
  IF services IS NOT NULL OR replicas IS NOT NULL THEN
    RAISE EXCEPTION 'The store holds Redis, which this version cannot manage (services: %; replicas: %); remove them before upgrading', coalesce(services, 'none'), coalesce(replicas, 'none');
  END IF;
END $$;

-- AlterEnum
CREATE TYPE "Engine_new" AS ENUM ('postgresql', 'mysql', 'simulated');
ALTER TABLE "Service" ALTER COLUMN "engine" TYPE "Engine_new" USING ("engine"::text::"Engine_new");
ALTER TABLE "Replica" ALTER COLUMN "engine" TYPE "Engine_new" USING ("engine"::text::"Engine_new");
ALTER TYPE "Engine" RENAME TO "Engine_old";
ALTER TYPE "Engine_new" RENAME TO "Engine";
DROP TYPE "Engine_old";
