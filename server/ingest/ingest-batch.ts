import "server-only";
import { witnessStreaks } from "@/core/fleet/witness-streaks";
import type { AgentReportBatch, IngestResult } from "@/contracts/agent-reports";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { db } from "../db/client";
import { sqlPool } from "../db/sql-pool";
import { DomainError, ValidationError } from "../errors";

/** How far ahead of the control plane's clock an agent's clock may run before its reports are refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type IngestOutcome = { stored: true; result: IngestResult } | { stored: false; lastSeq: number };

function assertNotFromTheFuture(batch: AgentReportBatch, receivedAt: Date): void {
  const limit = receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
  if (Date.parse(batch.sentAt) > limit) {
    throw new ValidationError(`sentAt: ${batch.sentAt} is more than 5 minutes ahead of the control plane's clock; fix the agent's clock`, "sentAt");
  }
  batch.reports.forEach((report, index) => {
    if (Date.parse(report.observedAt) > limit) {
      throw new ValidationError(
        `reports.${index}.observedAt: ${report.observedAt} is more than 5 minutes ahead of the control plane's clock; fix the agent's clock`,
        `reports.${index}.observedAt`,
      );
    }
  });
}

// $1 last seq, $2 received at, $3 clock skew, $4 agent version, $5 dropped
// reports, $6 agent id, $7 first seq, $8 samples, $9 latest report, $10 peer
// streaks, $11 service id.
const INGEST_SQL = `
    WITH agent AS (
      UPDATE "Agent"
         SET "lastSeq" = $1::bigint, "lastHeartbeatAt" = $2::timestamptz, "clockSkewMs" = $3,
             "version" = $4, "droppedReports" = $5
       WHERE id = $6 AND "lastSeq" < $7 AND "revokedAt" IS NULL
      RETURNING id, "replicaId"
    ),
    rows AS (
      SELECT * FROM jsonb_to_recordset($8::jsonb) AS r(
        seq bigint, "observedAt" timestamptz, reachable boolean, role "ReplicaRole", timeline int,
        "currentLsn" bigint, "receivedLsn" bigint, "replayedLsn" bigint, "lagBytes" bigint, "lagSeconds" float8,
        "recoveryConflicts" int, "logicalConflicts" int, "queryLatencyMs" float8)
    ),
    inserted AS (
      INSERT INTO "Sample" ("agentId", "replicaId", seq, "observedAt", "receivedAt", reachable, role, timeline,
                            "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds",
                            "recoveryConflicts", "logicalConflicts", "queryLatencyMs")
      SELECT agent.id, agent."replicaId", rows.seq, rows."observedAt", $2, rows.reachable, rows.role, rows.timeline,
             rows."currentLsn", rows."receivedLsn", rows."replayedLsn", rows."lagBytes", rows."lagSeconds",
             rows."recoveryConflicts", rows."logicalConflicts", rows."queryLatencyMs"
        FROM agent CROSS JOIN rows
      RETURNING 1
    ),
    latest AS (
      INSERT INTO "ReplicaState" ("replicaId", "agentId", "lastSeq", "observedAt", "receivedAt", reachable, role, timeline,
                                  "currentLsn", "receivedLsn", "replayedLsn", "lagBytes", "lagSeconds",
                                  "recoveryConflicts", "logicalConflicts", "queryLatencyMs", report, "lastServingReport", "lastServingAt")
      SELECT agent."replicaId", agent.id, rows.seq, rows."observedAt", $2, rows.reachable, rows.role, rows.timeline,
             rows."currentLsn", rows."receivedLsn", rows."replayedLsn", rows."lagBytes", rows."lagSeconds",
             rows."recoveryConflicts", rows."logicalConflicts", rows."queryLatencyMs", $9::jsonb,
             CASE WHEN rows.reachable THEN $9::jsonb END, CASE WHEN rows.reachable THEN $2::timestamptz END
        FROM agent CROSS JOIN rows WHERE rows.seq = $1
      ON CONFLICT ("replicaId") DO UPDATE SET
        "agentId" = EXCLUDED."agentId", "lastSeq" = EXCLUDED."lastSeq", "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", reachable = EXCLUDED.reachable, role = EXCLUDED.role, timeline = EXCLUDED.timeline,
        "currentLsn" = EXCLUDED."currentLsn", "receivedLsn" = EXCLUDED."receivedLsn", "replayedLsn" = EXCLUDED."replayedLsn",
        "lagBytes" = EXCLUDED."lagBytes", "lagSeconds" = EXCLUDED."lagSeconds", "recoveryConflicts" = EXCLUDED."recoveryConflicts",
        "logicalConflicts" = EXCLUDED."logicalConflicts", "queryLatencyMs" = EXCLUDED."queryLatencyMs", report = EXCLUDED.report,
        "lastServingReport" = coalesce(EXCLUDED."lastServingReport", "ReplicaState"."lastServingReport"),
        "lastServingAt" = coalesce(EXCLUDED."lastServingAt", "ReplicaState"."lastServingAt")
      RETURNING 1
    ),
    peers AS (
      SELECT p.*, target.id AS "toReplicaId"
        FROM jsonb_to_recordset($10::jsonb) AS p(
          replica text, reachable boolean, "rttMs" float8, error text, "observedAt" timestamptz, "unreachableSince" timestamptz, continues boolean)
        JOIN "Replica" target ON target."serviceId" = $11 AND target.name = p.replica
    ),
    links AS (
      INSERT INTO "WitnessLink" ("fromReplicaId", "toReplicaId", reachable, "rttMs", error, "observedAt", "receivedAt", "unreachableSince")
      SELECT agent."replicaId", peers."toReplicaId", peers.reachable, peers."rttMs", peers.error, peers."observedAt", $2,
             CASE WHEN peers.reachable THEN NULL
                  -- A batch of only failures continues a run the store may already date.
                  WHEN peers.continues THEN COALESCE(
                    (SELECT w."unreachableSince" FROM "WitnessLink" w
                      WHERE w."fromReplicaId" = agent."replicaId" AND w."toReplicaId" = peers."toReplicaId" AND NOT w.reachable),
                    peers."unreachableSince")
                  ELSE peers."unreachableSince" END
        FROM agent CROSS JOIN peers
      ON CONFLICT ("fromReplicaId", "toReplicaId") DO UPDATE SET
        reachable = EXCLUDED.reachable, "rttMs" = EXCLUDED."rttMs", error = EXCLUDED.error, "observedAt" = EXCLUDED."observedAt",
        "receivedAt" = EXCLUDED."receivedAt", "unreachableSince" = EXCLUDED."unreachableSince"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM agent)::int AS advanced, (SELECT count(*) FROM inserted)::int AS inserted,
           (SELECT count(*) FROM latest)::int AS latest, (SELECT count(*) FROM links)::int AS links`;

/**
 * Stores a batch of one agent's reports exactly once, in one SQL statement:
 * the agent's row is advanced to the batch's last sequence number only if it
 * is still below the batch's first, and the samples, the replica's latest
 * state and its witness links are written only when that succeeded. A batch
 * holding anything already stored is refused whole (the agent drops what is
 * at or below `lastSeq` and resends the rest), so retries after a lost answer
 * never count a report twice.
 */
export async function ingestBatch(agent: AgentPrincipal, batch: AgentReportBatch, receivedAt = new Date()): Promise<IngestOutcome> {
  assertNotFromTheFuture(batch, receivedAt);
  const reports = batch.reports;
  const first = reports[0]!;
  const latest = reports[reports.length - 1]!;
  const clockSkewMs = Date.parse(batch.sentAt) - receivedAt.getTime();

  const samples = reports.map((report) => ({
    seq: report.seq,
    observedAt: report.observedAt,
    reachable: report.reachable,
    role: report.role,
    timeline: report.timeline,
    currentLsn: report.lsn.current,
    receivedLsn: report.lsn.received,
    replayedLsn: report.lsn.replayed,
    lagBytes: report.lag.bytes,
    lagSeconds: report.lag.seconds,
    recoveryConflicts: report.conflicts.recovery,
    logicalConflicts: report.conflicts.logical,
    queryLatencyMs: report.queryLatencyMs,
  }));
  // Witness links are judged against the control plane's clock (how long a witness has failed, whether it still observes), so they are kept in it.
  const controlPlaneTime = (agentTime: string) => new Date(Date.parse(agentTime) - clockSkewMs);
  const streaks = witnessStreaks(reports.map((report) => ({ observedAt: controlPlaneTime(report.observedAt), peers: report.peers })));
  const peers = [...streaks.values()].map((streak) => ({
    replica: streak.latest.replica,
    reachable: streak.latest.reachable,
    rttMs: streak.latest.rttMs,
    error: streak.latest.error,
    observedAt: streak.observedAt.toISOString(),
    unreachableSince: streak.unreachableSince?.toISOString() ?? null,
    continues: streak.continuesEarlierRun,
  }));

  const { rows } = await sqlPool().query<{ advanced: number; inserted: number }>({
    name: "ingest-batch",
    text: INGEST_SQL,
    values: [latest.seq, receivedAt, clockSkewMs, batch.agentVersion, batch.droppedReports, agent.agentId, first.seq, JSON.stringify(samples), JSON.stringify(latest), JSON.stringify(peers), agent.serviceId],
  });
  const outcome = rows[0];

  if (!outcome?.advanced) {
    const current = await db().agent.findUnique({ where: { id: agent.agentId }, select: { lastSeq: true, revokedAt: true } });
    if (!current || current.revokedAt) throw new DomainError(401, "unauthenticated", "This agent's token was revoked.");
    return { stored: false, lastSeq: Number(current.lastSeq) };
  }
  return {
    stored: true,
    result: { accepted: outcome.inserted, lastSeq: latest.seq, serverTime: receivedAt.toISOString(), clockSkewMs },
  };
}
