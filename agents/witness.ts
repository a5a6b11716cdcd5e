import { performance } from "node:perf_hooks";
import type pg from "pg";
import type { PeerProbe } from "@/contracts/agent-reports";
import { decideProbeConnection } from "@/core/agents/probe-connection";
import { WITNESS_VOUCH_WITHIN_MS } from "@/core/policy/budgets";
import type { ReplicaObservation } from "./adapters/engine-adapter";
import type { PeerConfig } from "./config";
import { EarlyProbeTrigger } from "./early-probe-trigger";
import { errorMessage, truncate } from "./error-message";
import { closeClient, connectWithin, newKeptClient, queryResult, within } from "./pg-client";
import { VOUCH_CHANNEL, VOUCH_DEMAND_LOCK } from "./primary-lease/vouch";
import type { WitnessIdentity } from "./witness-identity";

export interface TimedPeerProbe {
  probe: PeerProbe;
  durationMs: number;
}

/** What the agent's loop asks of its witness: probe these peers now, and let go of everything at the end. */
export interface PeerWitness {
  probe(peers: readonly PeerConfig[], timeoutMs: number): Promise<TimedPeerProbe[]>;
  /** The local observation with what this tick's probes read of the peers and the local server cannot tell (a MariaDB primary's synchronous replica). */
  completeObservation?(observation: ReplicaObservation): ReplicaObservation;
  close(): Promise<void>;
}

const { key: LOCK_KEY, asksWhenNeeded: ASKS_WHEN_NEEDED, wanted: WANTED } = VOUCH_DEMAND_LOCK;

/**
 * The probe's one query: the peer's clock as it answers (a moment after the
 * probe started, which a vouch counts from), whether it takes writes, and,
 * for a writable peer only (the CASE keeps pg_locks unread otherwise),
 * whether its keeper wants vouches (VOUCH_DEMAND_LOCK).
 */
const PROBE_QUERY = `SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS "nowUs", w.writable,
  CASE WHEN w.writable THEN
    NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_KEY} AND objid = ${ASKS_WHEN_NEEDED} AND objsubid = 2 AND granted)
    OR EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_KEY} AND objid = ${WANTED} AND objsubid = 2 AND granted)
  ELSE false END AS "vouchWanted"
  FROM (SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable) w`;

/** Named, so a kept connection parses it once. */
const VOUCH_STATEMENT = {
  name: "switchyard_vouch",
  text: `SELECT pg_notify($1, $2) WHERE NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'
    AND clock_timestamp() < to_timestamp($3::float8 / 1000000)`,
};

/**
 * The share of the probe's timeout a fresh attempt needs left. A reused
 * connection that failed by timing out has none, and an attempt given its
 * last milliseconds would report its own timeout in place of the peer's.
 */
const FRESH_ATTEMPT_NEEDS = 0.5;

interface ProbeRow {
  nowUs: string;
  writable: boolean;
  vouchWanted: boolean;
}

interface KeptConnection {
  client: pg.Client;
  connectionString: string;
  openedAt: number;
  broken: boolean;
  lastProbeSucceeded: boolean;
}

/**
 * Witnesses the peer regions' replicas over one kept connection each
 * (core/agents/probe-connection decides when to reuse it). A probe counts
 * only the answer to the query it sends itself, within its timeout, so a
 * half-open connection to a dead or frozen peer fails it exactly as a fresh
 * connect would; a reused connection that fails with at least half the
 * probe's timeout left gets one fresh attempt in the time left (a peer that
 * restarted ended it, which fails at once), and every failure ends it.
 * rttMs is the query's round trip, the closest thing to network latency.
 *
 * With `witness` (this agent's replica), a probe of a writable peer in
 * another region that succeeded quickly also vouches for it (see `vouch`)
 * when its keeper wants vouches (core/agents/vouch-demand.ts); a vouch that
 * fails changes nothing about the probe.
 *
 * `probeNow` is called when a peer closes a sound kept connection
 * (core/agents/early-probe): the agent then probes and reports at once.
 */
export class PeerProbes implements PeerWitness {
  private readonly kept = new Map<string, KeptConnection>();
  private readonly early: EarlyProbeTrigger;

  constructor(
    private readonly witness?: WitnessIdentity,
    probeNow?: () => void,
  ) {
    this.early = new EarlyProbeTrigger(probeNow);
  }

  /** All peers in parallel: a tick waits for the slowest peer, never for the sum. Peers no longer listed are let go. */
  probe(peers: readonly PeerConfig[], timeoutMs: number): Promise<TimedPeerProbe[]> {
    for (const name of this.kept.keys()) if (!peers.some((peer) => peer.replica === name)) this.drop(name);
    return Promise.all(peers.map((peer) => this.probePeer(peer, timeoutMs)));
  }

  async close(): Promise<void> {
    const clients = [...this.kept.values()].map((kept) => kept.client);
    this.kept.clear();
    await Promise.all(clients.map((client) => closeClient(client)));
  }

  async probePeer(peer: PeerConfig, timeoutMs: number): Promise<TimedPeerProbe> {
    const started = performance.now();
    const identity = { replica: peer.replica, regionId: peer.regionId };
    const left = () => timeoutMs - (performance.now() - started);
    let failure: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      const { connection, reused } = this.connection(peer, started, timeoutMs);
      try {
        if (!reused) await connectWithin(connection.client, left(), `connection to ${peer.replica}`);
        const sent = performance.now();
        const { rows } = await within(queryResult<ProbeRow>(connection.client, PROBE_QUERY), left(), `witness probe of ${peer.replica}`);
        const rttMs = performance.now() - sent;
        connection.lastProbeSucceeded = true;
        const row = rows[0];
        if (this.witness && this.witness.regionId !== peer.regionId && row?.writable && row.vouchWanted) await vouch(connection, this.witness, peer.replica, started, row);
        return { probe: { ...identity, reachable: true, rttMs: Math.round(rttMs * 100) / 100, error: null }, durationMs: performance.now() - started };
      } catch (error) {
        connection.lastProbeSucceeded = false;
        failure = error;
        if (!reused || left() < timeoutMs * FRESH_ATTEMPT_NEEDS) break;
      }
    }
    return { probe: { ...identity, reachable: false, rttMs: null, error: truncate(errorMessage(failure), 500) }, durationMs: performance.now() - started };
  }

  /** The kept connection when the policy allows it, else a new one (not yet connected) that replaces it. */
  private connection(peer: PeerConfig, now: number, timeoutMs: number): { connection: KeptConnection; reused: boolean } {
    const kept = this.kept.get(peer.replica);
    const rule = decideProbeConnection({
      kept: kept !== undefined,
      sameTarget: kept?.connectionString === peer.connectionString,
      broken: kept?.broken ?? false,
      lastProbeSucceeded: kept?.lastProbeSucceeded ?? false,
      ageMs: kept ? now - kept.openedAt : 0,
    });
    if (kept && rule.action === "reuse") return { connection: kept, reused: true };
    this.drop(peer.replica);
    const client = newKeptClient(peer.connectionString, timeoutMs, "switchyard-witness");
    const connection: KeptConnection = { client, connectionString: peer.connectionString, openedAt: now, broken: false, lastProbeSucceeded: false };
    const closed = this.early.onEnd(connection, () => this.kept.get(peer.replica) === connection);
    client.on("error", closed);
    client.on("end", closed);
    this.kept.set(peer.replica, connection);
    return { connection, reused: false };
  }

  private drop(replica: string): void {
    const kept = this.kept.get(replica);
    this.kept.delete(replica);
    if (kept) void closeClient(kept.client);
  }
}

/**
 * Tells the peer, a writable primary, that this witness reached it: a signed
 * NOTIFY its agent listens for, which keeps its lease while the control plane
 * is out of reach. The automation reckons that a witness whose probes fail
 * from some moment on stops vouching WITNESS_VOUCH_WITHIN_MS later, so a
 * vouch holds only until then: the end is set on the peer's own clock from
 * when it answered this probe's query (after the probe started), less the
 * time already spent, signed into the vouch, and the NOTIFY runs only before
 * it. A fenced primary is skipped (and checked again by the NOTIFY itself):
 * each NOTIFY commits a WAL record, and WAL a fenced primary writes after its
 * final position would reach the standbys still attached to it past the
 * point where the new primary forks.
 */
async function vouch(connection: KeptConnection, witness: WitnessIdentity, primary: string, startedAt: number, row: ProbeRow): Promise<void> {
  const left = WITNESS_VOUCH_WITHIN_MS - (performance.now() - startedAt);
  if (left <= 0) return;
  const notAfterUs = Number(row.nowUs) + Math.floor(left * 1000);
  try {
    await within(
      queryResult(connection.client, { ...VOUCH_STATEMENT, values: [VOUCH_CHANNEL, witness.vouch(primary, notAfterUs), notAfterUs] }),
      left,
      `vouch for ${primary}`,
    );
  } catch {
    // The probe itself succeeded; a lost vouch only leaves the peer to its other renewals. Its answer may still be on its way: the connection goes.
    connection.lastProbeSucceeded = false;
  }
}
