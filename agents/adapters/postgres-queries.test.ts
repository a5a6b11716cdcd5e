import type pg from "pg";
import { describe, expect, it } from "vitest";
import { prepareProbeQueries } from "./postgres-queries";

type Columns = Record<string, string[]>;

/** A client that only answers the column lookup, as a server of a given version would. */
function serverWith(columns: Columns): pg.Client {
  const rows = Object.entries(columns).flatMap(([view, names]) => names.map((column) => ({ view, column })));
  return { query: async () => ({ rows }) } as unknown as pg.Client;
}

const RECOVERY_15 = ["datid", "datname", "confl_tablespace", "confl_lock", "confl_snapshot", "confl_bufferpin", "confl_deadlock"];
const RECEIVER_15 = ["status", "flushed_lsn", "latest_end_lsn", "received_tli", "sender_host", "sender_port", "slot_name", "last_msg_receipt_time"];

describe("probe SQL per server version", () => {
  it("PostgreSQL 18: every recovery conflict column, logical conflicts and errors", async () => {
    const queries = await prepareProbeQueries(
      serverWith({
        pg_stat_database_conflicts: [...RECOVERY_15, "confl_active_logicalslot"],
        pg_stat_subscription_stats: ["subid", "subname", "apply_error_count", "sync_error_count", "confl_insert_exists", "confl_update_missing", "stats_reset"],
        pg_stat_wal_receiver: RECEIVER_15,
        pg_replication_slots: ["slot_name", "active", "wal_status"],
      }),
    );
    expect(queries.probe.text).toContain('"confl_deadlock" + "confl_active_logicalslot"');
    expect(queries.probe.text).toContain('sum("apply_error_count" + "sync_error_count" + "confl_insert_exists" + "confl_update_missing")');
    expect(queries.probe.text).not.toContain("stats_reset");
  });

  it("PostgreSQL 15: no logical-slot conflicts, subscription errors only", async () => {
    const queries = await prepareProbeQueries(
      serverWith({
        pg_stat_database_conflicts: RECOVERY_15,
        pg_stat_subscription_stats: ["subid", "subname", "apply_error_count", "sync_error_count", "stats_reset"],
        pg_stat_wal_receiver: RECEIVER_15,
        pg_replication_slots: ["slot_name", "active", "wal_status"],
      }),
    );
    expect(queries.probe.text).not.toContain("confl_active_logicalslot");
    expect(queries.probe.text).toContain('sum("apply_error_count" + "sync_error_count")');
  });

  it("PostgreSQL 12: no subscription stats view, received_lsn, no wal_status", async () => {
    const queries = await prepareProbeQueries(
      serverWith({
        pg_stat_database_conflicts: RECOVERY_15,
        pg_stat_wal_receiver: ["status", "received_lsn", "latest_end_lsn", "received_tli", "sender_host", "sender_port", "slot_name", "last_msg_receipt_time"],
        pg_replication_slots: ["slot_name", "active"],
      }),
    );
    expect(queries.probe.text).toContain("0::float8 AS logical_conflicts");
    expect(queries.probe.text).toContain("(received_lsn - '0/0')::text AS flushed_lsn");
    expect(queries.probe.text).toContain("NULL::text AS wal_status");
  });
});
