/**
 * The parts of the storing statements that a single batch (ingest-batch.ts)
 * and a group of batches (group-commit.ts) write alike: a sample's fields,
 * the latest state's upsert and a witness link's, so both store a report the
 * same way.
 */

/** A sample's fields as the report's samples carry them (jsonb_to_recordset). */
export const SAMPLE_FIELDS = `seq bigint, "observedAt" timestamptz, reachable boolean, role "ReplicaRole", timeline int,
        "currentLsn" bigint, "receivedLsn" bigint, "replayedLsn" bigint, "lagBytes" bigint, "lagSeconds" float8,
        "recoveryConflicts" int, "logicalConflicts" int, "queryLatencyMs" float8`;

/** The Sample columns after its agent and replica; SAMPLE_VALUES fills them from `rows` with $2 as the arrival. */
export const SAMPLE_COLUMNS = `seq, "observedAt", "receivedAt", reachable, role, timeline,
                            "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds",
                            "recoveryConflicts", "logicalConflicts", "queryLatencyMs"`;

export const SAMPLE_VALUES = `rows.seq, rows."observedAt", $2, rows.reachable, rows.role, rows.timeline,
             rows."currentLsn", rows."receivedLsn", rows."replayedLsn", rows."lagBytes", rows."lagSeconds",
             rows."recoveryConflicts", rows."logicalConflicts", rows."queryLatencyMs"`;

/** The ReplicaState columns after its replica, agent and last seq. */
const REPLICA_STATE_COLUMNS = `"observedAt", "receivedAt", reachable, role, timeline,
                                  "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds",
                                  "recoveryConflicts", "logicalConflicts", "queryLatencyMs", report, "lastServingReport", "lastServingAt"`;

/** A newer report replaces the latest state; the last report served as a write replica is kept until another comes. */
const REPLICA_STATE_UPSERT = `ON CONFLICT ("replicaId") DO UPDATE SET
        "agentId" = EXCLUDED."agentId", "lastSeq" = EXCLUDED."lastSeq", "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", reachable = EXCLUDED.reachable, role = EXCLUDED.role, timeline = EXCLUDED.timeline,
        "currentLsn" = EXCLUDED."currentLsn", "receivedLsn" = EXCLUDED."receivedLsn", "replayedLsn" = EXCLUDED."replayedLsn",
        "lagBytes" = EXCLUDED."lagBytes", "lagSeconds" = EXCLUDED."lagSeconds", "recoveryConflicts" = EXCLUDED."recoveryConflicts",
        "logicalConflicts" = EXCLUDED."logicalConflicts", "queryLatencyMs" = EXCLUDED."queryLatencyMs", report = EXCLUDED.report,
        "lastServingReport" = coalesce(EXCLUDED."lastServingReport", "ReplicaState"."lastServingReport"),
        "lastServingAt" = coalesce(EXCLUDED."lastServingAt", "ReplicaState"."lastServingAt")`;

/**
 * Two CTEs, `latest_updated` and `latest`, that write each replica's latest
 * state from its batch's last report: `from` yields that report's `rows`
 * (SAMPLE_VALUES) one per replica, `replica`, `agent` and `report` (jsonb)
 * are expressions over it, $2 the arrival. A replica that has a state is
 * updated in place; only one without (its first report) is inserted, with
 * the upsert as a guard against another copy inserting it meanwhile. Not an
 * upsert for every report: the store's `replica_state_facts` trigger fires
 * before the insert an upsert attempts as well as before its update, so an
 * upsert takes every report apart twice (half of a group statement's time).
 */
export function latestStateCtes(from: string, replica: string, agent: string, report: string): string {
  return `latest_updated AS (
      UPDATE "ReplicaState" SET
             "agentId" = ${agent}, "lastSeq" = rows.seq, "observedAt" = rows."observedAt", "receivedAt" = $2, reachable = rows.reachable,
             role = rows.role, timeline = rows.timeline, "currentLsn" = rows."currentLsn", "receivedLsn" = rows."receivedLsn",
             "replayedLsn" = rows."replayedLsn", "lagBytes" = rows."lagBytes", "lagSeconds" = rows."lagSeconds",
             "recoveryConflicts" = rows."recoveryConflicts", "logicalConflicts" = rows."logicalConflicts", "queryLatencyMs" = rows."queryLatencyMs",
             report = ${report},
             "lastServingReport" = CASE WHEN rows.reachable THEN ${report} ELSE "ReplicaState"."lastServingReport" END,
             "lastServingAt" = CASE WHEN rows.reachable THEN $2::timestamptz ELSE "ReplicaState"."lastServingAt" END
        FROM ${from} AND "ReplicaState"."replicaId" = ${replica}
      RETURNING "ReplicaState"."replicaId"
    ),
    latest AS (
      INSERT INTO "ReplicaState" ("replicaId", "agentId", "lastSeq", ${REPLICA_STATE_COLUMNS})
      SELECT ${replica}, ${agent}, ${SAMPLE_VALUES}, ${report},
             CASE WHEN rows.reachable THEN ${report} END, CASE WHEN rows.reachable THEN $2::timestamptz END
        FROM ${from} AND NOT EXISTS (SELECT 1 FROM latest_updated u WHERE u."replicaId" = ${replica})
      ${REPLICA_STATE_UPSERT}
      RETURNING 1
    )`;
}

/** A peer probe's fields as a report's peer streaks carry them. */
export const PEER_FIELDS = `replica text, reachable boolean, "rttMs" float8, error text, "observedAt" timestamptz, "unreachableSince" timestamptz, continues boolean`;

export const WITNESS_LINK_UPSERT = `ON CONFLICT ("fromReplicaId", "toReplicaId") DO UPDATE SET
        reachable = EXCLUDED.reachable, "rttMs" = EXCLUDED."rttMs", error = EXCLUDED.error, "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", "unreachableSince" = EXCLUDED."unreachableSince"`;
