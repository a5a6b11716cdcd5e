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
export const REPLICA_STATE_COLUMNS = `"observedAt", "receivedAt", reachable, role, timeline,
                                  "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds",
                                  "recoveryConflicts", "logicalConflicts", "queryLatencyMs", report, "lastServingReport", "lastServingAt"`;

/** A newer report replaces the latest state; the last report served as a write replica is kept until another comes. */
export const REPLICA_STATE_UPSERT = `ON CONFLICT ("replicaId") DO UPDATE SET
        "agentId" = EXCLUDED."agentId", "lastSeq" = EXCLUDED."lastSeq", "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", reachable = EXCLUDED.reachable, role = EXCLUDED.role, timeline = EXCLUDED.timeline,
        "currentLsn" = EXCLUDED."currentLsn", "receivedLsn" = EXCLUDED."receivedLsn", "replayedLsn" = EXCLUDED."replayedLsn",
        "lagBytes" = EXCLUDED."lagBytes", "lagSeconds" = EXCLUDED."lagSeconds", "recoveryConflicts" = EXCLUDED."recoveryConflicts",
        "logicalConflicts" = EXCLUDED."logicalConflicts", "queryLatencyMs" = EXCLUDED."queryLatencyMs", report = EXCLUDED.report,
        "lastServingReport" = coalesce(EXCLUDED."lastServingReport", "ReplicaState"."lastServingReport"),
        "lastServingAt" = coalesce(EXCLUDED."lastServingAt", "ReplicaState"."lastServingAt")`;

/** A peer probe's fields as a report's peer streaks carry them. */
export const PEER_FIELDS = `replica text, reachable boolean, "rttMs" float8, error text, "observedAt" timestamptz, "unreachableSince" timestamptz, continues boolean`;

export const WITNESS_LINK_UPSERT = `ON CONFLICT ("fromReplicaId", "toReplicaId") DO UPDATE SET
        reachable = EXCLUDED.reachable, "rttMs" = EXCLUDED."rttMs", error = EXCLUDED.error, "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", "unreachableSince" = EXCLUDED."unreachableSince"`;
