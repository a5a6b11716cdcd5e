/**
 * How a witness's vouch reaches a MariaDB primary, which has no NOTIFY: the
 * witness's kept probe connection CALLs `switchyard.vouch`, which writes the
 * signed vouch into a MEMORY table of the primary with sql_log_bin off, and
 * the primary's lease keeper reads that table every tick. The write goes
 * through the primary's server by the probe's own path, and it never reaches
 * the binlog: it is no transaction a replica receives and can never become
 * an errant GTID.
 *
 * The procedure runs as its definer (the keeper's user, who creates it), so
 * the witness needs only EXECUTE on the `switchyard` schema, not BINLOG
 * ADMIN. It checks read_only itself (its definer may write through it): a
 * fenced primary takes no vouch, so once fenced only a control-plane grant
 * can undo the fence. It stamps the write with the server's clock, which
 * the keeper measures against its own, and takes nothing past the vouch's
 * signed end. Anyone allowed to call it can overwrite a witness's row, but
 * not forge its signature: that only shortens the lease.
 *
 * The keeper creates all this itself, with sql_log_bin off, on every
 * primary it keeps a lease for: no replicated statement ever touches the
 * schema, so each server's copy is its own.
 */

export const VOUCH_SCHEMA = "switchyard";

export const VOUCH_SCHEMA_STATEMENTS = [
  `CREATE DATABASE IF NOT EXISTS ${VOUCH_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${VOUCH_SCHEMA}.witness_vouches (
    witness VARCHAR(128) NOT NULL PRIMARY KEY,
    vouch VARCHAR(1024) NOT NULL,
    written_us BIGINT NOT NULL
  ) ENGINE = MEMORY`,
  `CREATE PROCEDURE IF NOT EXISTS ${VOUCH_SCHEMA}.vouch(IN witness_name VARCHAR(128), IN signed_vouch VARCHAR(1024), IN not_after_us BIGINT)
  SQL SECURITY DEFINER
  BEGIN
    DECLARE logged INT DEFAULT @@session.sql_log_bin;
    SET SESSION sql_log_bin = 0;
    INSERT INTO ${VOUCH_SCHEMA}.witness_vouches (witness, vouch, written_us)
      SELECT witness_name, signed_vouch, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED) FROM DUAL
      WHERE @@global.read_only = 0 AND UNIX_TIMESTAMP(NOW(6)) * 1000000 < not_after_us
      ON DUPLICATE KEY UPDATE vouch = VALUES(vouch), written_us = VALUES(written_us);
    SET SESSION sql_log_bin = logged;
  END`,
];

/** The witness's call: its name, the signed vouch, and the vouch's end (µs on the primary's clock). */
export const VOUCH_CALL_SQL = `CALL ${VOUCH_SCHEMA}.vouch(?, ?, ?)`;

export const READ_VOUCHES_SQL = `SELECT witness, vouch, written_us FROM ${VOUCH_SCHEMA}.witness_vouches`;

export interface VouchRow {
  witness: string;
  vouch: string;
  written_us: string | number;
}

/** The server's clock (µs since the epoch) and whether it refuses writes. */
export const CLOCK_SQL = "SELECT CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED) AS now_us, @@global.read_only AS read_only";

export interface ClockRow {
  now_us: string | number;
  read_only: string | number;
}

/** The GRANT a witness's (monitoring) user needs to vouch. */
export const VOUCH_GRANT = `EXECUTE ON ${VOUCH_SCHEMA}.*`;
