import { runningPid } from "@/embedded/postgres-cluster";
import { pgdataDir } from "./paths";
import { labEndpoint, withClient } from "./sql";
import { portOf, requireLabState } from "./state";
import { LAB_REPLICAS } from "./topology";

export interface ReplicationRow {
  applicationName: string;
  state: string;
  syncState: string;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  replayLag: string | null;
}

export interface SlotRow {
  slotName: string;
  active: boolean;
  restartLsn: string | null;
}

export interface ReplicaStatus {
  name: string;
  regionId: string;
  serviceId: string;
  port: number;
  running: boolean;
  pid: number | null;
  /** From SQL (pg_is_in_recovery); null when the server did not answer. */
  role: "primary" | "standby" | null;
  error: string | null;
  currentLsn: string | null;
  receivedLsn: string | null;
  replayedLsn: string | null;
  /** Seconds since the last replayed transaction was committed on the primary. */
  replayDelaySeconds: number | null;
  /** On a primary: its walsenders (pg_stat_replication) and physical slots. */
  replication: ReplicationRow[];
  slots: SlotRow[];
}

interface Position {
  in_recovery: boolean;
  current_lsn: string | null;
  received_lsn: string | null;
  replayed_lsn: string | null;
  replay_delay: number | null;
}

const POSITION = `
  SELECT pg_is_in_recovery() AS in_recovery,
         CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
         pg_last_wal_receive_lsn()::text AS received_lsn,
         pg_last_wal_replay_lsn()::text AS replayed_lsn,
         extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_delay`;

const REPLICATION = `
  SELECT application_name AS "applicationName", state, sync_state AS "syncState",
         sent_lsn::text AS "sentLsn", write_lsn::text AS "writeLsn", flush_lsn::text AS "flushLsn",
         replay_lsn::text AS "replayLsn", replay_lag::text AS "replayLag"
    FROM pg_stat_replication ORDER BY application_name`;

const SLOTS = `
  SELECT slot_name AS "slotName", active, restart_lsn::text AS "restartLsn"
    FROM pg_replication_slots WHERE slot_type = 'physical' ORDER BY slot_name`;

/**
 * What each cluster says about itself, for every service the lab has run
 * (those it never started have no port yet); a paused or dead one is
 * reported, not waited for.
 */
export async function labStatus(dataDir: string): Promise<ReplicaStatus[]> {
  const state = await requireLabState(dataDir);
  return Promise.all(
    LAB_REPLICAS.filter((replica) => state.replicas[replica.name]).map(async (replica): Promise<ReplicaStatus> => {
      const port = portOf(state, replica.name);
      const pid = await runningPid(pgdataDir(dataDir, replica.name));
      const status: ReplicaStatus = {
        name: replica.name,
        regionId: replica.regionId,
        serviceId: replica.serviceId,
        port,
        running: pid !== null,
        pid,
        role: null,
        error: null,
        currentLsn: null,
        receivedLsn: null,
        replayedLsn: null,
        replayDelaySeconds: null,
        replication: [],
        slots: [],
      };
      if (!pid) return status;
      try {
        await withClient(
          labEndpoint(port, state.password, "postgres"),
          async (client) => {
            const position = (await client.query<Position>(POSITION)).rows[0];
            if (!position) return;
            status.role = position.in_recovery ? "standby" : "primary";
            status.currentLsn = position.current_lsn;
            status.receivedLsn = position.received_lsn;
            status.replayedLsn = position.replayed_lsn;
            status.replayDelaySeconds = position.replay_delay;
            if (position.in_recovery) return;
            status.replication = (await client.query<ReplicationRow>(REPLICATION)).rows;
            status.slots = (await client.query<SlotRow>(SLOTS)).rows;
          },
          { connectTimeoutMs: 2_000, queryTimeoutMs: 2_000 },
        );
      } catch (error) {
        status.error = (error as Error).message;
      }
      return status;
    }),
  );
}

export function formatStatus(statuses: ReplicaStatus[]): string {
  const lines: string[] = [];
  let service: string | null = null;
  for (const status of statuses) {
    if (status.serviceId !== service) {
      service = status.serviceId;
      lines.push(`${service}:`);
    }
    const head = `${status.regionId.padEnd(18)} ${status.name.padEnd(16)} port ${status.port}`;
    if (!status.running) {
      lines.push(`${head}  not running`);
      continue;
    }
    const facts = [`pid ${status.pid}`, status.role ?? "unreachable"];
    if (status.currentLsn) facts.push(`current ${status.currentLsn}`);
    if (status.role === "standby") {
      facts.push(`received ${status.receivedLsn ?? "-"}`, `replayed ${status.replayedLsn ?? "-"}`);
      if (status.replayDelaySeconds !== null) facts.push(`last replayed commit ${status.replayDelaySeconds.toFixed(1)} s ago`);
    }
    if (status.error) facts.push(`error: ${status.error}`);
    lines.push(`${head}  ${facts.join(", ")}`);
    for (const row of status.replication) {
      lines.push(
        `    -> ${row.applicationName.padEnd(16)} ${row.state} ${row.syncState}  sent ${row.sentLsn ?? "-"} flushed ${row.flushLsn ?? "-"} replayed ${row.replayLsn ?? "-"} replay lag ${row.replayLag ?? "-"}`,
      );
    }
    for (const slot of status.slots) {
      lines.push(`    slot ${slot.slotName.padEnd(16)} ${slot.active ? "active" : "inactive"}  restart ${slot.restartLsn ?? "-"}`);
    }
  }
  return lines.join("\n");
}
