import { inFenceTurn } from "../primary-lease/fence-turn";
import type { UnfenceResult } from "../primary-lease/lease-server";
import { rowsOf, type MariadbConnection } from "./client";
import { replicaConnection, serverPositions, STATEMENT_TIMEOUT_MS, type ServerPositions } from "./replica-control";

/**
 * Fencing the local MariaDB (read_only) and undoing it, shared by the
 * `fence`/`unfence` commands and the primary's self-fencing lease keeper, in
 * the turn every change of the read-only state takes (fence-turn.ts).
 */

/** Threads that are not client sessions: replication, the event scheduler, the server's own. */
const CLIENT_SESSIONS_SQL = `
  SELECT ID AS id FROM information_schema.PROCESSLIST
  WHERE ID <> CONNECTION_ID()
    AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker')
    AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')`;

export interface MariadbFence {
  terminatedSessions: number;
  /** read_only was ON already (a replica, an earlier fence, or a server started read-only). */
  wasReadOnly: boolean;
  /** Read after the sessions ended: nothing they wrote lands past it. */
  positions: ServerPositions;
}

/**
 * read_only first (new writes of every session without READ_ONLY ADMIN are
 * refused from here on, and it waits for commits under way), then the
 * client sessions end, so none holding that privilege writes on; the final
 * position is read after both.
 */
export function fenceMariadb(connection: MariadbConnection, options: { terminateSessions: boolean }): Promise<MariadbFence> {
  return inFenceTurn(async () => {
    const [before] = await rowsOf<{ read_only: string | number }>(connection, "SELECT @@global.read_only AS read_only", STATEMENT_TIMEOUT_MS);
    await rowsOf(connection, "SET GLOBAL read_only = ON", STATEMENT_TIMEOUT_MS);
    let terminatedSessions = 0;
    if (options.terminateSessions) {
      for (const { id } of await rowsOf<{ id: string | number }>(connection, CLIENT_SESSIONS_SQL, STATEMENT_TIMEOUT_MS)) {
        try {
          await rowsOf(connection, `KILL CONNECTION ${Number(id)}`, STATEMENT_TIMEOUT_MS);
          terminatedSessions += 1;
        } catch {
          // It ended by itself in between (unknown thread id).
        }
      }
    }
    return { terminatedSessions, wasReadOnly: Number(before?.read_only) === 1, positions: await serverPositions(connection) };
  });
}

/**
 * read_only off, on a primary only: a replica stays read-only. `unless`,
 * asked in this change's turn, may call it off with a reason.
 */
export function unfenceMariadb(connection: MariadbConnection, replicaName: string, unless: () => string | null = () => null): Promise<UnfenceResult> {
  return inFenceTurn(async () => {
    const reason = unless();
    if (reason) return { unfenced: false, problem: reason, calledOff: true };
    if (await replicaConnection(connection)) return { unfenced: false, problem: `${replicaName} replicates from a primary; a replica stays read-only`, calledOff: false };
    await rowsOf(connection, "SET GLOBAL read_only = OFF", STATEMENT_TIMEOUT_MS);
    return { unfenced: true };
  });
}
