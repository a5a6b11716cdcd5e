import "server-only";
import { witnessStreaks } from "@/core/fleet/witness-streaks";
import { standbySyncState } from "@/core/health-checks/health-checks";
import { MAX_REPORTS_PER_BATCH, MIN_REPORT_INTERVAL_MS, type AgentReportBatch, type IngestResult } from "@/contracts/agent-reports";
import { recordInPlaceRestarts } from "./record-in-place-restarts";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { sqlPool } from "../db/sql-pool";
import { DomainError, ValidationError } from "../errors";
import { countDuplicateBatch, countStoredBatch } from "./ingest-metrics";
import { latestStateCtes, PEER_FIELDS, SAMPLE_COLUMNS, SAMPLE_FIELDS, SAMPLE_VALUES, WITNESS_LINK_UPSERT } from "./ingest-sql";

/** How far ahead of the control plane's clock an agent's clock may run before its reports are refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * How far behind it may run. A clock a week behind is broken, not skewed;
 * and the skew is stored in milliseconds in a 4-byte integer column
 * (±24.8 days), which a batch sent from 1970 would overflow.
 */
export const MAX_PAST_SKEW_MS = 7 * 86_400_000;

/**
 * Sequence numbers an agent may skip beyond what time allows (one report per
 * MIN_REPORT_INTERVAL_MS since its last stored batch): a whole batch, plus the
 * head of a full queue dropped during an outage (a 64 MiB queue holds about
 * 100,000 reports), plus clock differences between control-plane copies,
 * many times over. Enough that no agent ever meets the bound, and small
 * enough that a stolen token needs billions of posts to exhaust the 2^53
 * numbers an agent can count to, instead of one.
 */
export const SEQ_SLACK = 1_000_000;

/**
 * The highest sequence number the agent of an "Agent" row can have reached at
 * $2 (the batch's arrival): SQL, so the refusal is decided by the same
 * statement that stores, under the row's lock.
 */
export const MAX_PLAUSIBLE_SEQ = `("lastSeq" + ${SEQ_SLACK}
  + floor(greatest(0, extract(epoch FROM $2::timestamptz - coalesce("lastHeartbeatAt", "createdAt"))) * ${1000 / MIN_REPORT_INTERVAL_MS}))`;

export type IngestOutcome = { stored: true; result: IngestResult } | { stored: false; lastSeq: number };

export function assertPlausibleClock(batch: AgentReportBatch, receivedAt: Date): void {
  const limit = receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
  if (Date.parse(batch.sentAt) > limit) {
    throw new ValidationError(`sentAt: ${batch.sentAt} is more than 5 minutes ahead of the control plane's clock; fix the agent's clock`, "sentAt");
  }
  if (Date.parse(batch.sentAt) < receivedAt.getTime() - MAX_PAST_SKEW_MS) {
    throw new ValidationError(`sentAt: ${batch.sentAt} is more than 7 days behind the control plane's clock; fix the agent's clock`, "sentAt");
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

/**
 * What a standby's agent is told with a stored batch (IngestResult.standby),
 * for the agent row `agent` of a storing statement whose $2 is the arrival:
 * from the facts the store keeps beside the write replica's report (its
 * standbys as [application name, state, sync state]), not the compressed report.
 */
export const STANDBY_ANSWER = `json_build_array(
                     (SELECT x->>2
                        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(ps.facts->3) = 'array' THEN ps.facts->3 END) x
                       WHERE x->>0 = me.name LIMIT 1),
                     greatest(0, floor(extract(epoch FROM $2::timestamptz - ps."receivedAt") * 1000)))`;
export const STANDBY_FROM = `FROM "Replica" me
              JOIN "Service" v ON v.id = me."serviceId" AND v."writeReplicaId" <> me.id
              JOIN "ReplicaState" ps ON ps."replicaId" = v."writeReplicaId" AND ps.reachable
             WHERE me.id = agent."replicaId"`;

// $1 last seq, $2 received at, $3 clock skew, $4 agent version, $5 dropped
// reports, $6 agent id, $7 first seq, $8 samples, $9 latest report, $10 peer
// streaks, $11 service id. Besides the counts, a standby's agent learns how
// the write replica last counted it (for its /sync and /async endpoints).
const INGEST_SQL = `
    WITH agent AS (
      UPDATE "Agent"
         SET "lastSeq" = $1::bigint, "lastHeartbeatAt" = $2::timestamptz, "clockSkewMs" = $3,
             "version" = $4, "droppedReports" = $5, "seqBaselinePending" = false
       WHERE id = $6 AND "revokedAt" IS NULL
         AND ("lastSeq" < $7::bigint AND ("seqBaselinePending" OR $1::bigint <= ${MAX_PLAUSIBLE_SEQ})
              OR "seqBaselinePending" AND $7::bigint = 1 AND "lastSeq" > ${MAX_REPORTS_PER_BATCH})
      RETURNING id, "replicaId"
    ),
    rows AS (
      SELECT * FROM jsonb_to_recordset($8::jsonb) AS r(
        ${SAMPLE_FIELDS})
    ),
    inserted AS (
      INSERT INTO "Sample" ("agentId", "replicaId", ${SAMPLE_COLUMNS})
      SELECT agent.id, agent."replicaId", ${SAMPLE_VALUES}
        FROM agent CROSS JOIN rows
      RETURNING 1
    ),
    ${latestStateCtes("agent CROSS JOIN rows WHERE rows.seq = $1", `agent."replicaId"`, "agent.id", "$9::jsonb")},
    peers AS (
      SELECT p.*, target.id AS "toReplicaId"
        FROM jsonb_to_recordset($10::jsonb) AS p(
          ${PEER_FIELDS})
        JOIN "Replica" target ON target."serviceId" = $11 AND target.name = p.replica AND target."retiredAt" IS NULL
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
        -- A probe of its own replica is no witness: it would vote about itself.
        FROM agent CROSS JOIN peers WHERE peers."toReplicaId" <> agent."replicaId"
      ${WITNESS_LINK_UPSERT}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM agent)::int AS advanced, (SELECT count(*) FROM inserted)::int AS inserted,
           (SELECT count(*) FROM latest_updated)::int + (SELECT count(*) FROM latest)::int AS latest, (SELECT count(*) FROM links)::int AS links,
           -- Only a standby's batch reads the write replica's report: the write replica's own agent is told nothing.
           (SELECT (SELECT ${STANDBY_ANSWER} ${STANDBY_FROM}) FROM agent) AS standby`;

/** Why a batch the statement did not store was refused: revoked, implausibly far ahead (400), or already stored (409). */
export async function refusal(agent: AgentPrincipal, batch: AgentReportBatch, receivedAt: Date): Promise<IngestOutcome> {
  const { rows } = await sqlPool().query<{ lastSeq: string; revoked: boolean; pending: boolean; maxSeq: string; heardAt: Date }>({
    name: "ingest-refusal",
    text: `SELECT "lastSeq"::text, "revokedAt" IS NOT NULL AS revoked, "seqBaselinePending" AS pending,
                  ${MAX_PLAUSIBLE_SEQ}::bigint::text AS "maxSeq", coalesce("lastHeartbeatAt", "createdAt") AS "heardAt"
             FROM "Agent" WHERE id = $1`,
    values: [agent.agentId, receivedAt],
  });
  const current = rows[0];
  if (!current || current.revoked) throw new DomainError(401, "unauthenticated", "This agent's token was revoked.");
  const maxSeq = BigInt(current.maxSeq);
  const beyond = current.pending ? -1 : batch.reports.findIndex((report) => BigInt(report.seq) > maxSeq);
  if (beyond >= 0) {
    const seconds = Math.round((receivedAt.getTime() - current.heardAt.getTime()) / 1000);
    throw new ValidationError(
      `reports.${beyond}.seq: ${batch.reports[beyond]!.seq} is beyond ${maxSeq}, the highest this agent can have reached ` +
        `(seq ${current.lastSeq} stored ${seconds} s ago, at most one report per ${MIN_REPORT_INTERVAL_MS} ms since, and ${SEQ_SLACK} to spare); nothing was written. ` +
        `If its queue really is that far ahead, rotate its token: its next batch then sets where its sequence numbers go on from.`,
      `reports.${beyond}.seq`,
    );
  }
  // Already stored (or, if another batch of this agent moved the row meanwhile, the agent resends after its backoff).
  return { stored: false, lastSeq: Number(current.lastSeq) };
}

/** A batch as the storing statements take it: its samples, its latest report, its witness links on the control plane's clock, and its clock skew at `receivedAt`. */
export function prepareBatch(batch: AgentReportBatch, receivedAt: Date) {
  const reports = batch.reports;
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
  return { samples, latest, peers, clockSkewMs };
}

/**
 * Stores a batch of one agent's reports exactly once, in one SQL statement:
 * the agent's row is advanced to the batch's last sequence number only if it
 * is still below the batch's first, and the samples, the replica's latest
 * state and its witness links are written only when that succeeded. A batch
 * holding anything already stored is refused whole (the agent drops what is
 * at or below `lastSeq` and resends the rest), so retries after a lost answer
 * never count a report twice.
 *
 * A sequence number beyond what the agent can have reached (MAX_PLAUSIBLE_SEQ)
 * is refused too: one post from a stolen token with seq 2^53 would otherwise
 * make every later report of the real agent "already stored", for good. After
 * a registration or a token rotation the next batch sets the baseline instead
 * (`seqBaselinePending`): it may carry on above `lastSeq` however far, or start
 * again at 1 (a fresh queue), unless `lastSeq` is within the first batch an
 * agent sends, where a batch from 1 may be that batch sent again.
 */
export async function ingestBatch(agent: AgentPrincipal, batch: AgentReportBatch, receivedAt = new Date()): Promise<IngestOutcome> {
  assertPlausibleClock(batch, receivedAt);
  const { samples, latest, peers, clockSkewMs } = prepareBatch(batch, receivedAt);
  const reports = batch.reports;
  const first = reports[0]!;
  const { rows } = await sqlPool().query<{ advanced: number; inserted: number; standby: [syncState: string | null, primaryReportAgeMs: number] | null }>({
    name: "ingest-batch",
    text: INGEST_SQL,
    values: [latest.seq, receivedAt, clockSkewMs, batch.agentVersion, batch.droppedReports, agent.agentId, first.seq, JSON.stringify(samples), JSON.stringify(latest), JSON.stringify(peers), agent.serviceId],
  });
  const outcome = rows[0];
  if (!outcome?.advanced) {
    const refused = await refusal(agent, batch, receivedAt);
    countDuplicateBatch();
    return refused;
  }
  countStoredBatch(reports.map((report) => report.observedAt), receivedAt);
  // After the reports are stored: a batch sent again is refused above, and its restarts were recorded the first time.
  await recordInPlaceRestarts(agent, reports.flatMap((report) => report.restart ?? []), receivedAt);
  return {
    stored: true,
    result: {
      accepted: outcome.inserted,
      lastSeq: latest.seq,
      serverTime: receivedAt.toISOString(),
      clockSkewMs,
      standby: outcome.standby && { syncState: standbySyncState(outcome.standby[0]), primaryReportAgeMs: outcome.standby[1] },
    },
  };
}
