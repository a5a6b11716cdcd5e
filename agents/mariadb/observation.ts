import type { MariadbState, StandbyStat } from "@/contracts/agent-reports";
import { NO_SETTINGS, type ReplicaObservation } from "../adapters/engine-adapter";
import { parseGtidPosition, seqIn, transactionsBetween } from "./gtid";
import { semiSyncStandbyRule } from "./semi-sync-standby";
import type { ReplicaHostRow, ReplicaStatusRow, StatusRow, VariablesRow } from "./probe-queries";

/**
 * Turns a MariaDB probe's rows into an observation. Pure, like
 * postgres-observation.ts, and clamped to what the report contract accepts.
 *
 * The engine-neutral positions are the sequence numbers of the server's
 * replication domain (gtid.ts). MariaDB keeps no cumulative conflict
 * counters: `conflicts` counts the replica threads' errors standing now
 * (`recovery`: any, `logical`: apply conflicts, a duplicate key or a
 * missing row), which the GTID texts and messages in `mariadb` explain.
 */

export interface MariadbProbeRows {
  variables: VariablesRow;
  status: StatusRow[];
  /** SHOW ALL SLAVES STATUS: empty on a server that replicates from none. */
  replicas: ReplicaStatusRow[];
  /** SHOW SLAVE HOSTS: the replicas connected to this server. */
  hosts: ReplicaHostRow[];
}

/** Duplicate key and row not found: a replica applying a change its data contradicts. */
export const APPLY_CONFLICT_ERRNOS = new Set([1062, 1032]);

function count(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? Math.max(0, Math.round(number)) : null;
}

const flag = (value: string | number | null | undefined) => value === 1 || value === "1" || value === "ON" || value === "on";

const text = (value: string | null | undefined, max: number) => (value === null || value === undefined ? null : value.slice(0, max));

/** A GTID position the contract accepts, or "" when the server printed something else. */
export const gtidText = (value: string | null | undefined) => {
  const parsed = parseGtidPosition(value);
  return parsed === null ? "" : (value ?? "").replaceAll(/\s/g, "").slice(0, 1024);
};

/** The one replica connection Switchyard manages: the default one ('') if configured, else the first. */
export function managedConnection(replicas: ReplicaStatusRow[]): ReplicaStatusRow | null {
  return replicas.find((row) => row.Connection_name === "") ?? replicas[0] ?? null;
}

function statusValue(rows: StatusRow[], name: string): string | null {
  return rows.find((row) => row.Variable_name.toLowerCase() === name.toLowerCase())?.Value ?? null;
}

/** Bytes of the primary's binlog received but not applied: exact while both threads are in one binlog file, the relay log's size otherwise. */
export function unappliedBytes(row: ReplicaStatusRow): number | null {
  const read = count(row.Read_Master_Log_Pos);
  const executed = count(row.Exec_Master_Log_Pos);
  if (row.Master_Log_File && row.Master_Log_File === row.Relay_Master_Log_File && read !== null && executed !== null) return Math.max(0, read - executed);
  return count(row.Relay_Log_Space);
}

function replicationErrors(row: ReplicaStatusRow | null): MariadbState["replicationErrors"] {
  if (!row) return [];
  const errors: MariadbState["replicationErrors"] = [];
  const io = count(row.Last_IO_Errno);
  if (io) errors.push({ thread: "io", errno: Math.min(io, 2_147_483_647), message: (row.Last_IO_Error ?? "").slice(0, 500) });
  const sql = count(row.Last_SQL_Errno);
  if (sql) errors.push({ thread: "sql", errno: Math.min(sql, 2_147_483_647), message: (row.Last_SQL_Error ?? "").slice(0, 500) });
  return errors;
}

/** What the IO thread's state is as a receiver status: streaming, connecting, or stopped. */
function receiverStatus(io: string | null): string {
  if (io === "Yes") return "streaming";
  if (io === "Preparing" || io === "Connecting") return "connecting";
  return "stopped";
}

/**
 * Each connected replica's sync state (semi-sync-standby.ts), by its name:
 * `acknowledging` holds the Rpl_semi_sync_slave_status the primary's agent
 * read of each replica; one not in it was not read.
 */
export function standbySyncStates(semiSync: MariadbState["semiSync"], names: readonly string[], acknowledging: ReadonlyMap<string, boolean>): StandbyStat["syncState"][] {
  const acknowledgingConnected = names.filter((name) => acknowledging.get(name) === true).length;
  return names.map((name) => semiSyncStandbyRule({ primaryActive: semiSync.primaryActive, clients: semiSync.clients, acknowledging: acknowledging.get(name) ?? null, acknowledgingConnected }).syncState);
}

/** A primary's observation with its replicas' sync states from what its witness read of them; any other unchanged. */
export function withReplicasAcknowledging(observation: ReplicaObservation, acknowledging: ReadonlyMap<string, boolean>): ReplicaObservation {
  if (!observation.mariadb || observation.role !== "primary" || observation.standbys.length === 0) return observation;
  const states = standbySyncStates(observation.mariadb.semiSync, observation.standbys.map((standby) => standby.applicationName), acknowledging);
  return { ...observation, standbys: observation.standbys.map((standby, index) => ({ ...standby, syncState: states[index]! })) };
}

/** A connected replica's name: its report_host, which Switchyard's replicas set to their name. */
const hostName = (row: ReplicaHostRow) => (row.Host || `server-${row.Server_id}`).slice(0, 128);

/** A replica connected to this server, as it sees it: MariaDB 10.11 tells no positions per replica. */
function connectedReplica(row: ReplicaHostRow, syncState: StandbyStat["syncState"]): StandbyStat {
  return {
    applicationName: hostName(row),
    clientAddr: null,
    state: "streaming",
    syncState,
    sentLsn: null,
    writeLsn: null,
    flushLsn: null,
    replayLsn: null,
    writeLagSeconds: null,
    flushLagSeconds: null,
    replayLagSeconds: null,
    replayLagBytes: null,
  };
}

/**
 * What a replica has received in its domain: its IO thread's position
 * (Gtid_IO_Pos, the relay log's), or what it applied when that is further,
 * as before its first event from a new primary, when the IO position is empty.
 */
export function receivedSeqOf(connection: ReplicaStatusRow, appliedSeq: string | null, domain: number): string | null {
  const ioSeq = seqIn(parseGtidPosition(connection.Gtid_IO_Pos), domain);
  if (ioSeq === null || appliedSeq === null) return ioSeq ?? appliedSeq;
  return BigInt(ioSeq) > BigInt(appliedSeq) ? ioSeq : appliedSeq;
}

export function mariadbObservation(rows: MariadbProbeRows, queryLatencyMs: number): ReplicaObservation {
  const { variables } = rows;
  const domain = count(variables.domain_id) ?? 0;
  const connection = managedConnection(rows.replicas);
  const standby = connection !== null;
  const binlog = parseGtidPosition(variables.gtid_binlog_pos);
  const applied = parseGtidPosition(variables.gtid_slave_pos);
  const appliedSeq = seqIn(applied, domain);
  const receivedSeq = connection ? receivedSeqOf(connection, appliedSeq, domain) : null;
  const transactionsBehind = standby ? transactionsBetween(receivedSeq, appliedSeq) : null;
  const secondsBehind = connection ? count(connection.Seconds_Behind_Master) : null;
  const errors = replicationErrors(connection);
  const readOnly = flag(variables.read_only);
  const semiSync = {
    primaryEnabled: flag(variables.semi_sync_primary_enabled),
    primaryActive: flag(statusValue(rows.status, "Rpl_semi_sync_master_status")),
    clients: Math.min(count(statusValue(rows.status, "Rpl_semi_sync_master_clients")) ?? 0, 2_147_483_647),
    replicaEnabled: flag(variables.semi_sync_replica_enabled),
    replicaActive: flag(statusValue(rows.status, "Rpl_semi_sync_slave_status")),
  };
  const hosts = rows.hosts.slice(0, 64);
  // The replicas' own semi-sync status is read by the witness, which completes these (withReplicasAcknowledging).
  const syncStates = standbySyncStates(semiSync, hosts.map(hostName), new Map());
  const readOnlySetting = readOnly ? "on" : "off";
  return {
    engine: "mariadb",
    reachable: true,
    error: null,
    queryLatencyMs: Math.round(queryLatencyMs * 100) / 100,
    role: standby ? "standby" : "primary",
    timeline: null,
    lsn: {
      current: standby ? null : seqIn(binlog, domain),
      received: standby ? receivedSeq : null,
      replayed: standby ? appliedSeq : null,
    },
    lag: standby
      ? transactionsBehind === 0
        ? { bytes: 0, seconds: 0 }
        : { bytes: unappliedBytes(connection), seconds: secondsBehind }
      : { bytes: null, seconds: null },
    standbys: hosts.map((host, index) => connectedReplica(host, syncStates[index]!)),
    walReceiver: connection
      ? {
          status: receiverStatus(connection.Slave_IO_Running),
          senderHost: text(connection.Master_Host, 256),
          senderPort: count(connection.Master_Port),
          receivedTli: null,
          flushedLsn: receivedSeq,
          lastMessageAt: null,
          slotName: null,
        }
      : null,
    slots: [],
    conflicts: { recovery: errors.length, logical: errors.filter((error) => error.thread === "sql" && APPLY_CONFLICT_ERRNOS.has(error.errno)).length },
    settings: { ...NO_SETTINGS, default_transaction_read_only: readOnlySetting, transaction_read_only: readOnlySetting },
    mariadb: {
      domainId: domain,
      serverId: count(variables.server_id) ?? 0,
      gtidCurrentPos: gtidText(variables.gtid_current_pos),
      gtidBinlogPos: gtidText(variables.gtid_binlog_pos),
      gtidSlavePos: gtidText(variables.gtid_slave_pos),
      gtidIoPos: connection ? gtidText(connection.Gtid_IO_Pos) : null,
      readOnly,
      ioThread: text(connection?.Slave_IO_Running, 32),
      sqlThread: text(connection?.Slave_SQL_Running, 32),
      secondsBehindMaster: secondsBehind,
      transactionsBehind,
      relayLogSpaceBytes: connection ? count(connection.Relay_Log_Space) : null,
      semiSync,
      replicationErrors: errors,
    },
  };
}
