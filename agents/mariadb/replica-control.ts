import type { ReplicationConfig } from "../config";
import { primaryAddress } from "../commands/primary-conninfo";
import { connectMariadb, closeMariadb, rowsOf, type MariadbConnection } from "./client";
import { followOutcome, type FollowOutcome } from "./follow-outcome";
import { parseGtidPosition, type Gtid } from "./gtid";
import { managedConnection } from "./observation";
import { REPLICA_STATUS_SQL, type ReplicaStatusRow } from "./probe-queries";

/** The statements replica commands share: the managed replica connection, positions, and following a primary. */

export const STATEMENT_TIMEOUT_MS = 60_000;

export async function replicaConnection(connection: MariadbConnection): Promise<ReplicaStatusRow | null> {
  return managedConnection(await rowsOf<ReplicaStatusRow>(connection, REPLICA_STATUS_SQL, STATEMENT_TIMEOUT_MS));
}

/** A replica connection's name as SQL (`''` for the default one). */
export const connectionNameSql = (connection: MariadbConnection, row: ReplicaStatusRow | null) => connection.escape(row?.Connection_name ?? "");

export interface ServerPositions {
  domain: number;
  binlog: Gtid[];
  slave: Gtid[];
  binlogText: string;
  slaveText: string;
}

export async function serverPositions(connection: MariadbConnection): Promise<ServerPositions> {
  const [row] = await rowsOf<{ domain: string | number; binlog: string; slave: string }>(
    connection,
    "SELECT @@gtid_domain_id AS domain, @@gtid_binlog_pos AS binlog, @@gtid_slave_pos AS slave",
    STATEMENT_TIMEOUT_MS,
  );
  const binlog = parseGtidPosition(row?.binlog);
  const slave = parseGtidPosition(row?.slave);
  if (!row || binlog === null || slave === null) throw new Error(`the server printed GTID positions that do not parse: ${JSON.stringify(row)}`);
  return { domain: Number(row.domain), binlog, slave, binlogText: row.binlog, slaveText: row.slave };
}

/** The primary's GTID positions, asked as the replication user (any user may read them). */
export async function primaryPositions(target: { host: string; port: number }, replication: ReplicationConfig): Promise<ServerPositions> {
  const { host, port } = primaryAddress(target, replication);
  const url = `mariadb://${encodeURIComponent(replication.user)}:${encodeURIComponent(replication.password)}@${host.includes(":") ? `[${host}]` : host}:${port}/`;
  const connection = await connectMariadb(url, STATEMENT_TIMEOUT_MS);
  try {
    return await serverPositions(connection);
  } finally {
    await closeMariadb(connection);
  }
}

const FOLLOW_WAIT_MS = 20_000;

/**
 * Points the (stopped) default replica connection at the primary with GTID
 * positioning from what it applied, starts it, and waits until it streams,
 * the primary refuses it (errant GTIDs), or it fails. A refused or failed
 * connection is stopped again, so nothing half-configured replicates.
 */
export async function follow(connection: MariadbConnection, target: { host: string; port: number }, replication: ReplicationConfig): Promise<Exclude<FollowOutcome, { state: "pending" }>> {
  const { host, port } = primaryAddress(target, replication);
  await rowsOf(
    connection,
    "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
    STATEMENT_TIMEOUT_MS,
    [host, port, replication.user, replication.password],
  );
  await rowsOf(connection, "START SLAVE", STATEMENT_TIMEOUT_MS);
  const deadline = Date.now() + FOLLOW_WAIT_MS;
  for (;;) {
    const outcome = followOutcome(await replicaConnection(connection));
    if (outcome.state === "streaming") return outcome;
    if (outcome.state !== "pending" || Date.now() > deadline) {
      await rowsOf(connection, "STOP SLAVE", STATEMENT_TIMEOUT_MS);
      return outcome.state === "pending" ? { state: "failing", message: `it did not stream from ${host}:${port} within ${FOLLOW_WAIT_MS / 1000} s` } : outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
