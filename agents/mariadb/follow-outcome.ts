import type { ReplicaStatusRow } from "./probe-queries";

/**
 * How a replica connection that was just started is doing, from SHOW SLAVE
 * STATUS. Under gtid_strict_mode a primary refuses a replica asking for a
 * GTID its binlog does not hold with error 1236: the replica holds
 * transactions the primary's history does not (errant GTIDs), before it
 * sends any event. So a connection streams once the primary's first event
 * (its binlog's name, Master_Log_File, which CHANGE MASTER TO … MASTER_HOST
 * clears) has come: the primary accepted the position.
 */
export type FollowOutcome = { state: "streaming" } | { state: "errant"; message: string } | { state: "failing"; message: string } | { state: "pending" };

/** ER_MASTER_FATAL_ERROR_READING_BINLOG: the primary cannot serve the position asked for. */
export const FATAL_READING_BINLOG = 1236;

export function followOutcome(row: ReplicaStatusRow | null): FollowOutcome {
  if (!row) return { state: "failing", message: "the replica connection is gone" };
  const ioErrno = Number(row.Last_IO_Errno ?? 0);
  if (ioErrno === FATAL_READING_BINLOG && /GTID/i.test(row.Last_IO_Error ?? "")) return { state: "errant", message: row.Last_IO_Error ?? "" };
  const sqlErrno = Number(row.Last_SQL_Errno ?? 0);
  if (sqlErrno !== 0) return { state: "failing", message: `the SQL thread stopped with error ${sqlErrno}: ${row.Last_SQL_Error ?? ""}` };
  if (ioErrno !== 0 && row.Slave_IO_Running === "No") return { state: "failing", message: `the IO thread failed with error ${ioErrno}: ${row.Last_IO_Error ?? ""}` };
  if (row.Slave_IO_Running === "Yes" && row.Slave_SQL_Running === "Yes" && row.Master_Log_File) return { state: "streaming" };
  return { state: "pending" };
}
