import type { AgentReport, StandbyStat } from "@/contracts/agent-reports";
import type { ReplicaObservation } from "./engine-adapter";
import type { SlotRow, StandbyRow, StatusRow, WalReceiverRow } from "./postgres-queries";

/**
 * Turns the probe's rows into an observation. Pure, so the lag rules can be
 * tested without a standby; values are clamped to what the report contract
 * accepts, because one odd value must not make the control plane reject a
 * whole batch.
 */

export interface ProbeRows {
  status: StatusRow;
  standbys: StandbyRow[];
  walReceiver: WalReceiverRow | null;
  slots: SlotRow[];
}

const SYNC_STATES = new Set(["sync", "async", "potential", "quorum"]);

function lsn(value: string | null): string | null {
  return value !== null && /^\d{1,20}$/.test(value) ? value : null;
}

/** Lags measured across two clocks can come out slightly negative. */
function seconds(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.max(0, value);
}

function nonNegativeInteger(value: number | bigint | null): number | null {
  if (value === null) return null;
  const number = Number(value);
  return Number.isFinite(number) ? Math.max(0, Math.round(number)) : null;
}

function text(value: string | null, max: number): string | null {
  return value === null ? null : value.slice(0, max);
}

function lsnDifference(from: string | null, to: string | null): number | null {
  return from === null || to === null ? null : nonNegativeInteger(BigInt(from) - BigInt(to));
}

function maxLsn(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

/**
 * A standby's lag. received − replayed alone hides WAL the standby has not
 * received yet, so bytes count from the newest position the primary has
 * told the walreceiver about. Seconds come from the last replayed
 * transaction's commit time, which keeps growing while the primary is idle,
 * so they are 0 whenever nothing is waiting to be replayed.
 */
export function standbyLag(status: StatusRow, walReceiver: WalReceiverRow | null): AgentReport["lag"] {
  const received = lsn(status.received_lsn);
  const replayed = lsn(status.replayed_lsn);
  const latest = maxLsn(lsn(walReceiver?.latest_end_lsn ?? null), received);
  const lagBytes = lsnDifference(latest, replayed);
  if (lagBytes === 0) return { bytes: 0, seconds: 0 };
  return { bytes: lagBytes, seconds: seconds(status.replay_age_seconds) };
}

/**
 * One standby as its primary (or, cascading, its upstream standby) sees it.
 * The byte lag counts from `position`, the upstream's own position in the
 * same report, so the two always agree: read by a statement of its own, the
 * upstream's position moves on in between (a checkpoint, a keepalive).
 */
function standbyStat(row: StandbyRow, position: string | null): StandbyStat {
  return {
    applicationName: (row.application_name ?? "").slice(0, 128),
    clientAddr: text(row.client_addr, 128),
    state: text(row.state, 32),
    syncState: row.sync_state !== null && SYNC_STATES.has(row.sync_state) ? (row.sync_state as StandbyStat["syncState"]) : null,
    sentLsn: lsn(row.sent_lsn),
    writeLsn: lsn(row.write_lsn),
    flushLsn: lsn(row.flush_lsn),
    replayLsn: lsn(row.replay_lsn),
    writeLagSeconds: seconds(row.write_lag_seconds),
    flushLagSeconds: seconds(row.flush_lag_seconds),
    replayLagSeconds: seconds(row.replay_lag_seconds),
    replayLagBytes: lsnDifference(position, lsn(row.replay_lsn)),
  };
}

function walReceiver(row: WalReceiverRow | null): ReplicaObservation["walReceiver"] {
  if (row === null || row.status === null) return null;
  return {
    status: row.status.slice(0, 32),
    senderHost: text(row.sender_host, 256),
    senderPort: row.sender_port,
    receivedTli: row.received_tli,
    flushedLsn: lsn(row.flushed_lsn),
    lastMessageAt: row.last_msg_receipt_ms === null ? null : new Date(row.last_msg_receipt_ms).toISOString(),
    slotName: text(row.slot_name, 128),
  };
}

export function observationFromRows(rows: ProbeRows, queryLatencyMs: number): ReplicaObservation {
  const { status } = rows;
  const standby = status.in_recovery;
  const receiver = walReceiver(standby ? rows.walReceiver : null);
  const timeline = (standby ? receiver?.receivedTli : status.insert_timeline) ?? status.checkpoint_timeline;
  return {
    engine: "postgresql",
    reachable: true,
    error: null,
    queryLatencyMs: Math.round(queryLatencyMs * 100) / 100,
    role: standby ? "standby" : "primary",
    timeline: timeline ?? null,
    lsn: {
      current: lsn(status.current_lsn),
      received: lsn(status.received_lsn),
      replayed: lsn(status.replayed_lsn),
    },
    lag: standby ? standbyLag(status, rows.walReceiver) : { bytes: null, seconds: null },
    // A cascading standby has no current position; what it replayed is what it can send.
    standbys: rows.standbys.map((row) => standbyStat(row, lsn(standby ? status.replayed_lsn : status.current_lsn))),
    walReceiver: receiver,
    slots: rows.slots.map((slot) => ({
      name: slot.slot_name.slice(0, 128),
      active: slot.active,
      retainedBytes: nonNegativeInteger(slot.retained_bytes),
      walStatus: text(slot.wal_status, 32),
    })),
    conflicts: { recovery: nonNegativeInteger(status.recovery_conflicts) ?? 0, logical: nonNegativeInteger(status.logical_conflicts) ?? 0 },
    settings: {
      synchronous_commit: text(status.synchronous_commit, 64),
      synchronous_standby_names: text(status.synchronous_standby_names, 1024),
      default_transaction_read_only: text(status.default_transaction_read_only, 16),
      transaction_read_only: text(status.transaction_read_only, 16),
    },
  };
}
