-- What every reader of the topology takes from a replica's latest report,
-- kept beside it as the store writes it, so that reading the whole fleet
-- (the decider twice a second, the alert evaluator every second) no longer
-- takes 3,000 stored reports apart each time: a report is compressed, and
-- every path into it decompressed it again (~35 ms of the store's time per
-- read at 1,000 services × 3 replicas).
--
-- `facts`: [error, WAL receiver status,
--           [synchronous_commit, synchronous_standby_names, default_transaction_read_only] or null,
--           the standbys as [application name, state, sync state] or null,
--           the replication slots as [name, retained bytes] or null]
-- `lastServingFacts`: of `lastServingReport` (the latest report in which the
-- agent reached its server), [its standbys as above, its current LSN]: what
-- a primary last said of its standbys and its position once it no longer
-- answers (the automation proves a candidate by it).
--
-- A trigger computes both whenever either report is written, whoever writes
-- it, so they cannot disagree with the reports.
ALTER TABLE "ReplicaState" ADD COLUMN "facts" JSONB NOT NULL DEFAULT '[null, null, null, null, null]';
ALTER TABLE "ReplicaState" ADD COLUMN "lastServingFacts" JSONB;

CREATE FUNCTION replica_standby_facts(standbys jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(standbys) = 'array'
              THEN (SELECT jsonb_agg(jsonb_build_array(x->>'applicationName', x->>'state', x->>'syncState')) FROM jsonb_array_elements(standbys) x) END
$$;

CREATE FUNCTION replica_state_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  part record;
  serving record;
BEGIN
  -- One pass over each report: each path into it would decompress it again.
  SELECT * INTO part FROM jsonb_to_record(NEW.report) AS r(error text, "walReceiver" jsonb, settings jsonb, standbys jsonb, slots jsonb);
  NEW.facts := jsonb_build_array(
    part.error,
    part."walReceiver"->>'status',
    CASE WHEN jsonb_typeof(part.settings) = 'object'
         THEN jsonb_build_array(part.settings->>'synchronous_commit', part.settings->>'synchronous_standby_names',
                                part.settings->>'default_transaction_read_only') END,
    replica_standby_facts(part.standbys),
    CASE WHEN jsonb_typeof(part.slots) = 'array'
         THEN (SELECT jsonb_agg(jsonb_build_array(x->>'name', (x->>'retainedBytes')::float8)) FROM jsonb_array_elements(part.slots) x) END);
  IF NEW."lastServingReport" IS NULL THEN
    NEW."lastServingFacts" := NULL;
  ELSE
    SELECT * INTO serving FROM jsonb_to_record(NEW."lastServingReport") AS r(standbys jsonb, lsn jsonb);
    NEW."lastServingFacts" := jsonb_build_array(replica_standby_facts(serving.standbys), serving.lsn->>'current');
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER replica_state_facts BEFORE INSERT OR UPDATE OF report, "lastServingReport" ON "ReplicaState"
  FOR EACH ROW EXECUTE FUNCTION replica_state_facts();

-- The rows already stored.
UPDATE "ReplicaState" SET report = report;
