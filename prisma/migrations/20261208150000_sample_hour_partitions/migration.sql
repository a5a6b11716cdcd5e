-- A large fleet keeps raw samples for hours (core/fleet/retention-plan.ts):
-- daily partitions would keep up to a day more than that on disk, so its
-- samples go into hourly partitions instead ("Sample_YYYYMMDDhHH", UTC). As
-- the daily ones, these functions run as their owner, take only an hour, and
-- touch nothing but that hour's partition. A day is partitioned one way or
-- the other, never both: each function refuses (returns false) where the
-- other kind already covers the time, so a fleet that grows or shrinks moves
-- to the other width from the first day not yet partitioned.

CREATE FUNCTION "switchyard_create_sample_hour_partition"(hour_start timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  partition text;
  day_partition text;
  upper_bound timestamptz;
BEGIN
  IF hour_start IS NULL OR date_trunc('hour', hour_start, 'UTC') <> hour_start THEN
    RAISE EXCEPTION 'the start of a UTC hour is required, not %', hour_start;
  END IF;
  partition := 'Sample_' || to_char(hour_start AT TIME ZONE 'UTC', 'YYYYMMDD"h"HH24');
  day_partition := 'Sample_' || to_char(hour_start AT TIME ZONE 'UTC', 'YYYYMMDD');
  upper_bound := hour_start + interval '1 hour';
  IF to_regclass(format('public.%I', partition)) IS NOT NULL OR to_regclass(format('public.%I', day_partition)) IS NOT NULL THEN
    RETURN false;
  END IF;
  LOCK TABLE public."Sample" IN SHARE ROW EXCLUSIVE MODE;
  IF to_regclass(format('public.%I', partition)) IS NOT NULL OR to_regclass(format('public.%I', day_partition)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE public.%I (LIKE public."Sample" INCLUDING DEFAULTS)', partition);
  EXECUTE format(
    'WITH moved AS (DELETE FROM public."Sample_default" WHERE "receivedAt" >= $1 AND "receivedAt" < $2 RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
    partition)
    USING hour_start, upper_bound;
  EXECUTE format('ALTER TABLE public."Sample" ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', partition, hour_start, upper_bound);
  RETURN true;
END;
$$;

CREATE FUNCTION "switchyard_drop_sample_hour_partition"(hour_start timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  partition text;
BEGIN
  IF hour_start IS NULL OR date_trunc('hour', hour_start, 'UTC') <> hour_start THEN
    RAISE EXCEPTION 'the start of a UTC hour is required, not %', hour_start;
  END IF;
  partition := 'Sample_' || to_char(hour_start AT TIME ZONE 'UTC', 'YYYYMMDD"h"HH24');
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

-- The daily function, now also refusing a day that already has hourly partitions.
CREATE OR REPLACE FUNCTION "switchyard_create_sample_partition"(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  partition text := 'Sample_' || to_char(day, 'YYYYMMDD');
  lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
  upper_bound timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF day IS NULL THEN
    RAISE EXCEPTION 'a day is required';
  END IF;
  IF to_regclass(format('public.%I', partition)) IS NOT NULL OR EXISTS (
    SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public."Sample"'::regclass AND c.relname LIKE partition || 'h%'
  ) THEN
    RETURN false;
  END IF;
  LOCK TABLE public."Sample" IN SHARE ROW EXCLUSIVE MODE;
  -- Another copy may have created it (or an hour of it) while this one waited for the lock.
  IF to_regclass(format('public.%I', partition)) IS NOT NULL OR EXISTS (
    SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public."Sample"'::regclass AND c.relname LIKE partition || 'h%'
  ) THEN
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

REVOKE ALL ON FUNCTION "switchyard_create_sample_hour_partition"(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION "switchyard_drop_sample_hour_partition"(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION "switchyard_create_sample_partition"(date) FROM PUBLIC;
