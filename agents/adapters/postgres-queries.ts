import type pg from "pg";

/**
 * The SQL one probe runs: one statement, prepared once per connection, so a
 * tick is one round trip with no parsing or planning, and everything in a
 * report is read at one moment. The standbys, the walreceiver and the slots
 * come back as JSON in the same row. Statistics views gained and renamed
 * columns across PostgreSQL versions, so the columns are looked up once per
 * connection and the SQL is written for the server at hand.
 */

const VIEWS = ["pg_stat_database_conflicts", "pg_stat_subscription_stats", "pg_stat_wal_receiver", "pg_replication_slots"] as const;
type View = (typeof VIEWS)[number];

const COLUMNS_SQL = `
  SELECT c.relname AS view, a.attname AS column
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'pg_catalog' AND c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped`;

/** Recovery conflict counters; confl_active_logicalslot exists from PostgreSQL 16. */
const RECOVERY_CONFLICT_COLUMNS = ["confl_tablespace", "confl_lock", "confl_snapshot", "confl_bufferpin", "confl_deadlock", "confl_active_logicalslot"];

/** Logical replication errors (PostgreSQL 15+) and conflicts (confl_*, PostgreSQL 18+). */
const isLogicalConflictColumn = (column: string) => column === "apply_error_count" || column === "sync_error_count" || column.startsWith("confl_");

export interface ProbeQueries {
  /** One row: a StatusRow with `standbys`, `wal_receiver` and `slots` (see ProbeRow). */
  probe: pg.QueryConfig;
}

const quote = (column: string) => `"${column.replaceAll('"', '""')}"`;

function sumOf(columns: string[], view: string): string {
  if (columns.length === 0) return "0::float8";
  return `(SELECT coalesce(sum(${columns.map(quote).join(" + ")}), 0)::float8 FROM pg_catalog.${view})`;
}

export async function prepareProbeQueries(client: pg.Client): Promise<ProbeQueries> {
  const { rows } = await client.query<{ view: View; column: string }>(COLUMNS_SQL, [VIEWS]);
  const columns = (view: View) => rows.filter((row) => row.view === view).map((row) => row.column);
  const has = (view: View, column: string) => columns(view).includes(column);

  const recoveryConflicts = RECOVERY_CONFLICT_COLUMNS.filter((column) => has("pg_stat_database_conflicts", column));
  const logicalConflicts = columns("pg_stat_subscription_stats").filter(isLogicalConflictColumn);
  // PostgreSQL 13 renamed received_lsn to flushed_lsn.
  const flushedLsn = has("pg_stat_wal_receiver", "flushed_lsn") ? "flushed_lsn" : "received_lsn";
  const walStatus = has("pg_replication_slots", "wal_status") ? "wal_status" : "NULL::text";

  return {
    probe: {
      name: "switchyard_probe",
      // pg_current_wal_lsn() and pg_walfile_name() fail during recovery; CASE
      // evaluates them only on a primary. On a primary the timeline comes from
      // the WAL file name, because pg_control_checkpoint() still shows the old
      // timeline until the first checkpoint after a promotion.
      text: `
        SELECT
          s.in_recovery,
          (pg_control_checkpoint()).timeline_id AS checkpoint_timeline,
          CASE WHEN s.in_recovery THEN NULL
               ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS insert_timeline,
          CASE WHEN s.in_recovery THEN NULL ELSE (pg_current_wal_lsn() - '0/0')::text END AS current_lsn,
          (pg_last_wal_receive_lsn() - '0/0')::text AS received_lsn,
          (pg_last_wal_replay_lsn() - '0/0')::text AS replayed_lsn,
          extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age_seconds,
          current_setting('synchronous_commit') AS synchronous_commit,
          current_setting('synchronous_standby_names') AS synchronous_standby_names,
          current_setting('default_transaction_read_only') AS default_transaction_read_only,
          current_setting('transaction_read_only') AS transaction_read_only,
          ${sumOf(recoveryConflicts, "pg_stat_database_conflicts")} AS recovery_conflicts,
          ${sumOf(logicalConflicts, "pg_stat_subscription_stats")} AS logical_conflicts,
          (SELECT coalesce(json_agg(r), '[]') FROM (
            SELECT
              application_name, host(client_addr) AS client_addr, state, sync_state,
              (sent_lsn - '0/0')::text AS sent_lsn,
              (write_lsn - '0/0')::text AS write_lsn,
              (flush_lsn - '0/0')::text AS flush_lsn,
              (replay_lsn - '0/0')::text AS replay_lsn,
              extract(epoch FROM write_lag)::float8 AS write_lag_seconds,
              extract(epoch FROM flush_lag)::float8 AS flush_lag_seconds,
              extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds
            FROM pg_catalog.pg_stat_replication
            ORDER BY application_name, pid
            LIMIT 64) r) AS standbys,
          CASE WHEN s.in_recovery THEN (SELECT row_to_json(w) FROM (
            SELECT status, sender_host, sender_port, received_tli,
              (${flushedLsn} - '0/0')::text AS flushed_lsn,
              (latest_end_lsn - '0/0')::text AS latest_end_lsn,
              (extract(epoch FROM last_msg_receipt_time) * 1000)::float8 AS last_msg_receipt_ms,
              slot_name
            FROM pg_catalog.pg_stat_wal_receiver
            LIMIT 1) w) END AS wal_receiver,
          (SELECT coalesce(json_agg(l), '[]') FROM (
            SELECT slot_name, active, ${walStatus} AS wal_status,
              CASE WHEN s.in_recovery THEN NULL ELSE (pg_current_wal_lsn() - restart_lsn)::float8 END AS retained_bytes
            FROM pg_catalog.pg_replication_slots
            ORDER BY slot_name
            LIMIT 64) l) AS slots
        FROM (SELECT pg_is_in_recovery() AS in_recovery) s`,
    },
  };
}

export interface StatusRow {
  in_recovery: boolean;
  checkpoint_timeline: number | null;
  insert_timeline: number | null;
  current_lsn: string | null;
  received_lsn: string | null;
  replayed_lsn: string | null;
  replay_age_seconds: number | null;
  synchronous_commit: string | null;
  synchronous_standby_names: string | null;
  default_transaction_read_only: string | null;
  transaction_read_only: string | null;
  recovery_conflicts: number;
  logical_conflicts: number;
}

export interface StandbyRow {
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  sync_state: string | null;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  write_lag_seconds: number | null;
  flush_lag_seconds: number | null;
  replay_lag_seconds: number | null;
}

export interface WalReceiverRow {
  status: string | null;
  sender_host: string | null;
  sender_port: number | null;
  received_tli: number | null;
  flushed_lsn: string | null;
  latest_end_lsn: string | null;
  /** Milliseconds since the epoch (JSON has no timestamps). */
  last_msg_receipt_ms: number | null;
  slot_name: string | null;
}

export interface SlotRow {
  slot_name: string;
  active: boolean;
  wal_status: string | null;
  retained_bytes: number | null;
}

/** The probe's one row; pg parses the JSON columns. */
export interface ProbeRow extends StatusRow {
  standbys: StandbyRow[];
  wal_receiver: WalReceiverRow | null;
  slots: SlotRow[];
}
