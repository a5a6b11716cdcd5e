import "server-only";
import { standbySyncState } from "@/core/health-checks/health-checks";
import { formGroup } from "@/core/ingest/group-admission";
import { isStoreUnreachable } from "@/core/store/store-unreachable";
import { MAX_REPORTS_PER_BATCH, type AgentReportBatch } from "@/contracts/agent-reports";
import type { AgentPrincipal } from "../agents/resolve-agent";
import { sqlPool } from "../db/sql-pool";
import { assertPlausibleClock, ingestBatch, MAX_PLAUSIBLE_SEQ, prepareBatch, refusal, STANDBY_ANSWER, STANDBY_FROM, type IngestOutcome } from "./ingest-batch";
import { countDuplicateBatch, countStoredBatch, ingestMetrics } from "./ingest-metrics";
import { recordInPlaceRestarts } from "./record-in-place-restarts";
import { latestStateCtes, PEER_FIELDS, SAMPLE_COLUMNS, SAMPLE_FIELDS, SAMPLE_VALUES, WITNESS_LINK_UPSERT } from "./ingest-sql";

/**
 * How long a batch waits for others to share its statement: the store pays
 * per statement, not per agent, so 2,000 agents a second cost ten statements
 * a second instead of 2,000; and a report is at most this much older when
 * stored.
 */
export const GROUP_WINDOW_MS = 100;

/**
 * INGEST_SQL (ingest-batch.ts) over many agents' batches at once: $1 the
 * batches (agent, service, first and last seq, clock skew, version, dropped
 * reports, samples, latest report, witness links), $2 their arrival. Each
 * agent's row moves forward only under the same condition as a single
 * batch's, row by row, and only the agents it moved have their samples,
 * latest state and witness links written. The group holds one batch per agent
 * and per replica (core/ingest/group-admission.ts).
 */
const GROUP_SQL = `
    WITH b AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(
        "agent" text, "service" text, "last" bigint, "first" bigint, "skew" int, "agentVersion" text, "dropped" int,
        "samples" jsonb, "latest" jsonb, "peers" jsonb)
      ORDER BY "agent"
    ),
    agent AS (
      UPDATE "Agent"
         SET "lastSeq" = b."last", "lastHeartbeatAt" = $2::timestamptz, "clockSkewMs" = b."skew",
             "version" = b."agentVersion", "droppedReports" = b."dropped", "seqBaselinePending" = false
        FROM b
       WHERE "Agent".id = b."agent" AND "revokedAt" IS NULL
         AND ("lastSeq" < b."first" AND ("seqBaselinePending" OR b."last" <= ${MAX_PLAUSIBLE_SEQ})
              OR "seqBaselinePending" AND b."first" = 1 AND "lastSeq" > ${MAX_REPORTS_PER_BATCH})
      RETURNING "Agent".id, "Agent"."replicaId", b."service", b."last", b."samples", b."latest", b."peers"
    ),
    rows AS (
      SELECT agent.id AS "agentId", agent."replicaId", agent."last", agent."latest", r.*
        FROM agent CROSS JOIN LATERAL jsonb_to_recordset(agent."samples") AS r(
          ${SAMPLE_FIELDS})
    ),
    inserted AS (
      INSERT INTO "Sample" ("agentId", "replicaId", ${SAMPLE_COLUMNS})
      SELECT rows."agentId", rows."replicaId", ${SAMPLE_VALUES}
        FROM rows
      RETURNING 1
    ),
    ${latestStateCtes(`rows WHERE rows.seq = rows."last"`, `rows."replicaId"`, `rows."agentId"`, `rows."latest"`)},
    peers AS (
      SELECT p.*, agent."replicaId" AS "fromReplicaId", target.id AS "toReplicaId"
        FROM agent CROSS JOIN LATERAL jsonb_to_recordset(agent."peers") AS p(
          ${PEER_FIELDS})
        JOIN "Replica" target ON target."serviceId" = agent."service" AND target.name = p.replica AND target."retiredAt" IS NULL
    ),
    links AS (
      INSERT INTO "WitnessLink" ("fromReplicaId", "toReplicaId", reachable, "rttMs", error, "observedAt", "receivedAt", "unreachableSince")
      SELECT peers."fromReplicaId", peers."toReplicaId", peers.reachable, peers."rttMs", peers.error, peers."observedAt", $2,
             CASE WHEN peers.reachable THEN NULL
                  -- A batch of only failures continues a run the store may already date.
                  WHEN peers.continues THEN COALESCE(
                    (SELECT w."unreachableSince" FROM "WitnessLink" w
                      WHERE w."fromReplicaId" = peers."fromReplicaId" AND w."toReplicaId" = peers."toReplicaId" AND NOT w.reachable),
                    peers."unreachableSince")
                  ELSE peers."unreachableSince" END
        -- A probe of its own replica is no witness: it would vote about itself.
        FROM peers WHERE peers."toReplicaId" <> peers."fromReplicaId"
      ${WITNESS_LINK_UPSERT}
      RETURNING 1
    )
    SELECT agent.id,
           -- Only a standby's batch reads the write replica's report: the write replica's own agent is told nothing.
           (SELECT ${STANDBY_ANSWER} ${STANDBY_FROM}) AS standby
      FROM agent`;

/** The batch was not stored: its stream closed before its turn came. */
export class AbandonedBatchError extends Error {
  override name = "AbandonedBatchError";
}

interface Waiting {
  /** When the batch was handed over (ms): how far behind the copy is. */
  arrivedAt: number;
  agentId: string;
  replicaId: string;
  reports: number;
  /** Whether whoever waits for the outcome has gone (its stream closed): its batch is then not stored, and is sent again anyway. */
  gone: () => boolean;
  agent: AgentPrincipal;
  batch: AgentReportBatch;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the batches this copy is sent over agents' streams for up to
 * GROUP_WINDOW_MS and stores them with one statement, one statement at a time,
 * each batch answered with its own outcome, exactly as ingestBatch would
 * answer it alone.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  private lastFlushAt = 0;
  /** When the oldest batch of the statement running now was handed over; null while none runs. */
  private inFlightSince: number | null = null;

  constructor(private readonly windowMs = GROUP_WINDOW_MS) {}

  /** Resolves once the batch is stored (or found already stored); rejects as ingestBatch throws (400, 401, store unreachable). */
  submit(agent: AgentPrincipal, batch: AgentReportBatch, gone: () => boolean = () => false, arrivedAt = new Date()): Promise<IngestOutcome> {
    assertPlausibleClock(batch, arrivedAt);
    return new Promise((resolve, reject) => {
      this.waiting.push({ arrivedAt: arrivedAt.getTime(), agentId: agent.agentId, replicaId: agent.replicaId, reports: batch.reports.length, gone, agent, batch, resolve, reject });
      this.schedule();
    });
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** How long the oldest batch not stored yet (waiting, or in the statement running now) has waited, in ms; 0 when there is none. Batches wait in arrival order. */
  behindMs(now = Date.now()): number {
    const oldest = Math.min(this.waiting[0]?.arrivedAt ?? Number.POSITIVE_INFINITY, this.inFlightSince ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.waiting.length === 0) return;
    const delay = Math.max(0, this.lastFlushAt + this.windowMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    this.lastFlushAt = Date.now();
    // A copy that fell behind must not spend itself on batches whose agents gave up on them and will send them again.
    for (const entry of this.waiting) if (entry.gone()) entry.reject(new AbandonedBatchError("The batch's stream closed before its turn came; it was not stored."));
    const { group, later } = formGroup(this.waiting.filter((entry) => !entry.gone()));
    this.waiting = later;
    this.inFlightSince = group[0]?.arrivedAt ?? null;
    try {
      await storeGroup(group);
    } finally {
      this.inFlightSince = null;
      this.flushing = false;
      this.schedule();
    }
  }
}

async function storeGroup(group: Waiting[]): Promise<void> {
  const receivedAt = new Date();
  ingestMetrics().groups.observe(group.length);
  const prepared = group.map((entry) => ({ entry, ...prepareBatch(entry.batch, receivedAt) }));
  const parameter = prepared.map(({ entry, samples, latest, peers, clockSkewMs }) => ({
    agent: entry.agentId,
    service: entry.agent.serviceId,
    last: latest.seq,
    first: entry.batch.reports[0]!.seq,
    skew: clockSkewMs,
    agentVersion: entry.batch.agentVersion,
    dropped: entry.batch.droppedReports,
    samples,
    latest,
    peers,
  }));
  let rows: { id: string; standby: [syncState: string | null, primaryReportAgeMs: number] | null }[];
  const endTimer = ingestMetrics().groupSeconds.startTimer();
  try {
    ({ rows } = await sqlPool().query({ name: "ingest-group", text: GROUP_SQL, values: [JSON.stringify(parameter), receivedAt] }));
    endTimer();
  } catch (error) {
    if (isStoreUnreachable(error)) {
      for (const { entry } of prepared) entry.reject(error);
      return;
    }
    // One batch the statement cannot take (a bug, a value a column refuses) must not fail its neighbours: each is stored alone.
    console.error(`[ingest] a group of ${group.length} batches failed as one statement; storing each alone:`, error);
    await Promise.all(prepared.map(({ entry }) => ingestBatch(entry.agent, entry.batch, receivedAt).then(entry.resolve, entry.reject)));
    return;
  }
  const stored = new Map(rows.map((row) => [row.id, row]));
  await Promise.all(
    prepared.map(async ({ entry, clockSkewMs, latest }) => {
      try {
        const row = stored.get(entry.agentId);
        if (!row) {
          const refused = await refusal(entry.agent, entry.batch, receivedAt);
          countDuplicateBatch();
          return entry.resolve(refused);
        }
        const reports = entry.batch.reports;
        countStoredBatch(reports.map((report) => report.observedAt), receivedAt);
        await recordInPlaceRestarts(entry.agent, reports.flatMap((report) => report.restart ?? []), receivedAt);
        entry.resolve({
          stored: true,
          result: {
            accepted: reports.length,
            lastSeq: latest.seq,
            serverTime: receivedAt.toISOString(),
            clockSkewMs,
            standby: row.standby && { syncState: standbySyncState(row.standby[0]), primaryReportAgeMs: row.standby[1] },
          },
        });
      } catch (error) {
        entry.reject(error);
      }
    }),
  );
}

const globalForGroup = globalThis as unknown as { switchyardGroupCommit?: GroupCommit };

/** This copy's one group commit: every stream's batches share its statements. */
export function groupCommit(): GroupCommit {
  globalForGroup.switchyardGroupCommit ??= new GroupCommit();
  return globalForGroup.switchyardGroupCommit;
}
