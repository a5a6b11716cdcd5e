import * as z from "zod/mini";
import { IN_PLACE_RESTART_STATES } from "@/core/agents/in-place-restart";
import { witnessKeySchema } from "./witness-roster";

/**
 * What an agent reports about its replica, once per interval. One contract for
 * the agent (which builds and queues reports), the control plane (which
 * validates and stores them) and the simulated fleet used by benchmarks.
 *
 * Positions (`lsn`) are decimal strings, so they survive JSON without losing
 * precision, and compare as numbers along one history whatever the engine:
 * for PostgreSQL the byte position in the WAL (pg_lsn - '0/0'), for MariaDB
 * the sequence number of the last GTID in the server's replication domain
 * (gtid_strict_mode keeps it increasing along one history). The engine's own
 * notation of a MariaDB position (GTIDs) is in the report's `mariadb` part.
 */

/**
 * The store keeps LSNs as bigint and counters as 4-byte integers: a value
 * beyond what its column holds is refused here (400), not by the store (500).
 */
const MAX_BIGINT = "9223372036854775807";
const int32 = z.int().check(z.gte(0), z.lte(2_147_483_647));
const lsn = z.nullable(
  z.string().check(
    z.regex(/^\d{1,19}$/, { error: "must be a WAL byte position as a decimal string" }),
    // Digit strings of one length compare as numbers do.
    z.refine((value) => value.length < MAX_BIGINT.length || value <= MAX_BIGINT, { error: `must be a WAL byte position, at most ${MAX_BIGINT}` }),
  ),
);
const seconds = z.nullable(z.number().check(z.gte(0)));
const bytes = z.nullable(z.number().check(z.int(), z.gte(0)));

/**
 * A clock that was never set reads 1970-01-01; nothing an agent measured is
 * older, and the store and the conversions to the control plane's clock stay
 * far from the edges of what PostgreSQL can hold (it has no year 0).
 */
export const EARLIEST_AGENT_TIME = "1970-01-01T00:00:00.000Z";
const agentTime = z.iso.datetime().check(z.refine((value) => Date.parse(value) >= Date.parse(EARLIEST_AGENT_TIME), { error: `must not be before ${EARLIEST_AGENT_TIME}` }));

/**
 * Agents report at most once per this interval (agents/config.ts refuses a
 * shorter one); the control plane bounds how far an agent's sequence numbers
 * can have moved by it.
 */
export const MIN_REPORT_INTERVAL_MS = 100;

export const standbyStatSchema = z
  .strictObject({
    applicationName: z.string().check(z.maxLength(128)),
    clientAddr: z.nullable(z.string().check(z.maxLength(128))),
    state: z.nullable(z.string().check(z.maxLength(32))),
    syncState: z.nullable(z.enum(["sync", "async", "potential", "quorum"])),
    sentLsn: lsn,
    writeLsn: lsn,
    flushLsn: lsn,
    replayLsn: lsn,
    writeLagSeconds: seconds,
    flushLagSeconds: seconds,
    replayLagSeconds: seconds,
    /** Primary's current LSN minus the standby's replayed LSN. */
    replayLagBytes: bytes,
  })
  .register(z.globalRegistry, { id: "StandbyStat", description: "One row of pg_stat_replication, seen from the primary" });

export const walReceiverSchema = z
  .strictObject({
    status: z.string().check(z.maxLength(32)),
    senderHost: z.nullable(z.string().check(z.maxLength(256))),
    senderPort: z.nullable(z.number().check(z.int())),
    receivedTli: z.nullable(z.number().check(z.int())),
    flushedLsn: lsn,
    lastMessageAt: z.nullable(z.iso.datetime()),
    slotName: z.nullable(z.string().check(z.maxLength(128))),
  })
  .register(z.globalRegistry, { id: "WalReceiver", description: "pg_stat_wal_receiver on a standby" });

export const replicationSlotSchema = z
  .strictObject({
    name: z.string().check(z.maxLength(128)),
    active: z.boolean(),
    /** WAL the slot keeps on the primary (current LSN minus restart_lsn). */
    retainedBytes: bytes,
    walStatus: z.nullable(z.string().check(z.maxLength(32))),
  })
  .register(z.globalRegistry, { id: "ReplicationSlot" });

/** A MariaDB GTID position (@@gtid_binlog_pos, Gtid_IO_Pos…): domain-server-seq, one per domain, comma-separated. */
const gtidPosition = z
  .string()
  .check(z.maxLength(1024), z.regex(/^(\d{1,10}-\d{1,10}-\d{1,20}(,\d{1,10}-\d{1,10}-\d{1,20})*)?$/, { error: "must be a GTID position (domain-server-seq, comma-separated)" }));

export const peerProbeSchema = z
  .strictObject({
    /** The probed replica's name (unique within the service). */
    replica: z.string().check(z.maxLength(128)),
    regionId: z.string().check(z.maxLength(128)),
    reachable: z.boolean(),
    rttMs: z.nullable(z.number().check(z.gte(0))),
    error: z.nullable(z.string().check(z.maxLength(500))),
    /**
     * What the probed replica's server said it has received from its primary,
     * read by this agent itself (MariaDB: Gtid_IO_Pos, the GTIDs its relay log
     * holds): a primary's agent's view of a replica that does not rest on the
     * replica's own agent. Null when the peer replicates from nobody; absent
     * from witnesses that read no positions (PostgreSQL's: its primary reports
     * each standby's flush position itself).
     */
    received: z.optional(z.nullable(z.strictObject({ lsn, gtid: z.nullable(gtidPosition) }))),
  })
  .register(z.globalRegistry, { id: "PeerProbe", description: "A witness probe (a query answered within the probe timeout, over a kept connection or a new one) from this agent to another replica" });

export const replicaSettingsSchema = z
  .strictObject({
    synchronous_commit: z.nullable(z.string().check(z.maxLength(64))),
    synchronous_standby_names: z.nullable(z.string().check(z.maxLength(1024))),
    default_transaction_read_only: z.nullable(z.string().check(z.maxLength(16))),
    transaction_read_only: z.nullable(z.string().check(z.maxLength(16))),
  })
  .register(z.globalRegistry, { id: "ReplicaSettings", description: "The settings policies govern, as the server reports them" });

/**
 * Where the agent serves its health endpoints for load balancers (`/primary`,
 * `/replica`…): what `switchyard haproxy-config` checks each replica through.
 */
/**
 * What a MariaDB replica reports beyond the engine-neutral fields: its GTID
 * positions, replica threads, semi-synchronous replication and replication
 * errors (SHOW ALL SLAVES STATUS, SHOW GLOBAL STATUS).
 */
export const mariadbStateSchema = z
  .strictObject({
    /** The replication domain its positions (`lsn`) are counted in (@@gtid_domain_id). */
    domainId: z.int().check(z.gte(0), z.lte(4_294_967_295)),
    serverId: z.int().check(z.gte(0), z.lte(4_294_967_295)),
    gtidCurrentPos: gtidPosition,
    gtidBinlogPos: gtidPosition,
    gtidSlavePos: gtidPosition,
    /** What the replica's IO thread received (Gtid_IO_Pos); null on a server that replicates from none. */
    gtidIoPos: z.nullable(gtidPosition),
    readOnly: z.boolean(),
    /** Slave_IO_Running and Slave_SQL_Running (`Yes`, `No`, `Connecting`); null without a replica connection. */
    ioThread: z.nullable(z.string().check(z.maxLength(32))),
    sqlThread: z.nullable(z.string().check(z.maxLength(32))),
    secondsBehindMaster: seconds,
    /** Transactions received but not applied yet (the GTID distance). */
    transactionsBehind: bytes,
    relayLogSpaceBytes: bytes,
    semiSync: z.strictObject({
      /** rpl_semi_sync_master_enabled, and whether commits wait for an acknowledgement now (Rpl_semi_sync_master_status). */
      primaryEnabled: z.boolean(),
      primaryActive: z.boolean(),
      /** Replicas acknowledging (Rpl_semi_sync_master_clients). */
      clients: int32,
      /** rpl_semi_sync_slave_enabled, and whether this replica acknowledges to its primary now (Rpl_semi_sync_slave_status). */
      replicaEnabled: z.boolean(),
      replicaActive: z.boolean(),
    }),
    /** The replica threads' last errors; a duplicate key (1062) or a missing row (1032) is an apply conflict. */
    replicationErrors: z.array(z.strictObject({ thread: z.enum(["io", "sql"]), errno: int32, message: z.string().check(z.maxLength(500)) })).check(z.maxLength(8)),
  })
  .register(z.globalRegistry, { id: "MariadbState", description: "A MariaDB replica's GTID positions, replica threads, semi-synchronous replication and replication errors" });

export const agentHealthEndpointSchema = z
  .strictObject({
    /** The address it listens on; 0.0.0.0 or :: mean every address of the replica's host. */
    host: z.string().check(z.minLength(1), z.maxLength(255)),
    port: z.int().check(z.gte(1), z.lte(65_535)),
    tls: z.boolean(),
  })
  .register(z.globalRegistry, { id: "AgentHealthEndpoint", description: "Where the agent serves its health endpoints (Patroni's paths) for load balancers" });

/**
 * The agent's latest in-place restart of its crashed server
 * (core/agents/in-place-restart.ts), carried in every report while it runs
 * and for a while after it ended, so the control plane hears its outcome:
 * it holds off a failover while `restarting`, and audits each attempt and
 * its outcome once (by `id`).
 */
export const inPlaceRestartSchema = z
  .strictObject({
    /** The agent's id for the attempt, unique per agent. */
    id: z.string().check(z.minLength(1), z.maxLength(64)),
    state: z.enum(IN_PLACE_RESTART_STATES),
    /** The rule of core/agents/in-place-restart.ts that decided it. */
    rule: z.string().check(z.minLength(1), z.maxLength(64)),
    startedAt: agentTime,
    endedAt: z.nullable(agentTime),
    /** Why it failed or was given up; how long it took when it succeeded. */
    detail: z.nullable(z.string().check(z.maxLength(1000))),
  })
  .register(z.globalRegistry, { id: "InPlaceRestart", description: "An agent's restart of its crashed server in place, or why it left it to the failover" });

export type InPlaceRestart = z.infer<typeof inPlaceRestartSchema>;

export const agentReportSchema = z
  .strictObject({
    /** Strictly increasing per agent, across restarts; the control plane keeps each (agent, seq) once. */
    seq: z.int().check(z.gte(1)),
    /** The agent's clock when it measured. */
    observedAt: agentTime,
    engine: z.enum(["postgresql", "mariadb", "simulated"]),
    /** Whether the agent could reach and query its own replica. */
    reachable: z.boolean(),
    /** Why it could not, when it could not. */
    error: z.nullable(z.string().check(z.maxLength(1000))),
    /** Round trip of the probe query against the local replica. */
    queryLatencyMs: z.nullable(z.number().check(z.gte(0))),
    role: z.nullable(z.enum(["primary", "standby"])),
    timeline: z.nullable(int32),
    lsn: z.strictObject({ current: lsn, received: lsn, replayed: lsn }),
    /** This replica's lag behind its primary (null on a primary). */
    lag: z.strictObject({ bytes, seconds }),
    standbys: z.array(standbyStatSchema).check(z.maxLength(64)),
    walReceiver: z.nullable(walReceiverSchema),
    slots: z.array(replicationSlotSchema).check(z.maxLength(64)),
    /** Cumulative counters since the server started, as the engine reports them. */
    conflicts: z.strictObject({ recovery: int32, logical: int32 }),
    settings: replicaSettingsSchema,
    peers: z.array(peerProbeSchema).check(z.maxLength(64)),
    /** Null when the agent serves none; absent from agents older than the field. */
    health: z.optional(z.nullable(agentHealthEndpointSchema)),
    /** A MariaDB replica's engine-specific state; absent for other engines and while the server cannot be reached. */
    mariadb: z.optional(mariadbStateSchema),
    /** Null when there is none to tell of; absent from agents older than the field. */
    restart: z.optional(z.nullable(inPlaceRestartSchema)),
  })
  .register(z.globalRegistry, { id: "AgentReport" });

export const MAX_REPORTS_PER_BATCH = 500;

export const agentReportBatchSchema = z
  .strictObject({
    /** The agent's clock when it sent the batch, for estimating clock skew. */
    sentAt: agentTime,
    agentVersion: z.string().check(z.maxLength(64)),
    /** Reports the agent's bounded queue had to drop (oldest first) since it started. */
    droppedReports: z._default(int32, 0),
    /** The public key the agent signs its witness vouches with (bound by the first batch that offers one). */
    witnessKey: z.optional(witnessKeySchema),
    reports: z.array(agentReportSchema).check(
      z.minLength(1, { error: "must hold at least one report" }),
      z.maxLength(MAX_REPORTS_PER_BATCH, { error: `must hold at most ${MAX_REPORTS_PER_BATCH} reports` }),
      z.refine((reports) => reports.every((report, i) => i === 0 || report.seq > reports[i - 1]!.seq), {
        error: "seq must increase strictly within a batch",
      }),
    ),
  })
  .register(z.globalRegistry, { id: "AgentReportBatch" });

export const refusedReportSchema = z
  .object({
    seq: z.int(),
    /** The first thing wrong with it, naming the field (`reports.3.lag.bytes: …`). */
    message: z.string(),
  })
  .register(z.globalRegistry, { id: "RefusedReport", description: "A report refused alone as invalid while the rest of its batch was stored" });

/** A batch whose every field but its reports is valid, the reports still unchecked. */
const batchEnvelopeSchema = z.extend(agentReportBatchSchema, { reports: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_REPORTS_PER_BATCH)) });

/**
 * A batch the batch contract refuses, split into the valid batch of its valid
 * reports and the reports refused alone, each by its seq; null when it cannot
 * be split so that the agent learns exactly what was refused: the rest of the
 * batch is invalid, a report's seq cannot be read, the seqs do not increase
 * strictly, or no report is valid. Each valid report is then stored exactly
 * once as usual, and each refused one never is.
 */
export function separateInvalidReports(value: unknown): { batch: AgentReportBatch; refused: RefusedReport[] } | null {
  const envelope = batchEnvelopeSchema.safeParse(value);
  if (!envelope.success) return null;
  const valid: AgentReport[] = [];
  const refused: RefusedReport[] = [];
  let previous = 0;
  for (const [index, report] of envelope.data.reports.entries()) {
    const seq = typeof report === "object" && report !== null ? (report as { seq?: unknown }).seq : undefined;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq <= previous) return null;
    previous = seq;
    const parsed = agentReportSchema.safeParse(report);
    if (parsed.success) {
      valid.push(parsed.data);
    } else {
      const issue = parsed.error.issues[0];
      refused.push({ seq, message: `${["reports", index, ...(issue?.path ?? [])].map(String).join(".")}: ${issue?.message ?? "is invalid"}` });
    }
  }
  if (valid.length === 0 || refused.length === 0) return null;
  const batch = agentReportBatchSchema.safeParse({ ...envelope.data, reports: valid });
  return batch.success ? { batch: batch.data, refused } : null;
}

export const ingestResultSchema = z
  .object({
    accepted: z.int(),
    /** Highest sequence number now stored for this agent. */
    lastSeq: z.int(),
    serverTime: z.iso.datetime(),
    /** Estimated agent clock minus control-plane clock. */
    clockSkewMs: z.int(),
    /**
     * For a standby's agent, what its /sync and /async endpoints answer from:
     * how the service's write replica counted this standby in its latest
     * report (pg_stat_replication.sync_state: `sync` for sync or quorum,
     * `async` for async or potential, `unlisted` without a row), and how old
     * that report is now, on the control plane's clock. Null for the write
     * replica's own agent, and while the write replica's latest report says
     * its agent cannot reach it. Absent from older control planes.
     */
    standby: z._default(z.nullable(z.object({ syncState: z.enum(["sync", "async", "unlisted"]), primaryReportAgeMs: z.int().check(z.gte(0)) })), null),
    /** Reports of the batch refused alone as invalid, by seq (report streams only): the rest were stored; the agent drops these too. */
    refused: z.optional(z.array(refusedReportSchema)),
  })
  .register(z.globalRegistry, { id: "IngestResult" });

/**
 * The 409 answer to a batch holding sequence numbers already stored: nothing
 * of the batch was written; the agent drops what is at or below `lastSeq`
 * from its queue and sends the rest again.
 */
export const ingestConflictSchema = z
  .object({
    error: z.object({ code: z.literal("conflict"), message: z.string(), field: z.optional(z.string()) }),
    lastSeq: z.int(),
  })
  .register(z.globalRegistry, { id: "IngestConflict" });

export type AgentHealthEndpoint = z.infer<typeof agentHealthEndpointSchema>;
export type AgentReport = z.infer<typeof agentReportSchema>;
export type MariadbState = z.infer<typeof mariadbStateSchema>;
export type AgentReportBatch = z.infer<typeof agentReportBatchSchema>;
export type IngestResult = z.infer<typeof ingestResultSchema>;
export type RefusedReport = z.infer<typeof refusedReportSchema>;
export type PeerProbe = z.infer<typeof peerProbeSchema>;
export type StandbyStat = z.infer<typeof standbyStatSchema>;
