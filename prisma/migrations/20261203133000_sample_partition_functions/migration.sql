-- Sample's daily partitions are created and dropped by the control plane's
-- upkeep, which runs as the application role: a role that owns no table, and
-- so may neither attach a partition to "Sample" nor drop one. These functions
-- run as their owner (the role that migrates), take only a day, and touch
-- nothing but that day's partition. The owner grants EXECUTE to the
-- application role (server/store/application-grants.ts); nobody else has it.

CREATE FUNCTION "switchyard_create_sample_partition"(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  partition text := 'Sample_' || to_char(day, 'YYYYMMDD');
  lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
  upper_bound timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF day IS NULL THEN
    RAISE EXCEPTION 'a day is required';
  END IF;
  IF to_regclass(format('public.%I', partition)) IS NOT NULL THEN
    RETURN false;
  END IF;
  LOCK TABLE public."Sample" IN SHARE ROW EXCLUSIVE MODE;
  -- Another copy may have created it while this one waited for the lock.
  IF to_regclass(format('public.%I', partition)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE public.%I (LIKE public."Sample" INCLUDING DEFAULTS)', partition);
  -- PostgreSQL refuses a partition whose rows sit in the default partition: move them first.
  EXECUTE format(
    'WITH moved AS (DELETE FROM public."Sample_default" WHERE "receivedAt" >= $1 AND "receivedAt" < $2 RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
    partition)
    USING lower_bound, upper_bound;
  EXECUTE format('ALTER TABLE public."Sample" ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', partition, lower_bound, upper_bound);
  RETURN true;
END;
$$;

CREATE FUNCTION "switchyard_drop_sample_partition"(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  partition text := 'Sample_' || to_char(day, 'YYYYMMDD');
BEGIN
  IF day IS NULL THEN
    RAISE EXCEPTION 'a day is required';
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM pg_inherits
     WHERE inhrelid = to_regclass(format('public.%I', partition)) AND inhparent = 'public."Sample"'::regclass
  ) THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TABLE public.%I', partition);
  RETURN true;
END;
$$;

REVOKE ALL ON FUNCTION "switchyard_create_sample_partition"(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION "switchyard_drop_sample_partition"(date) FROM PUBLIC;
