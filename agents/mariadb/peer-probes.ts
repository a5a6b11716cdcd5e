import { performance } from "node:perf_hooks";
import type { PeerProbe } from "@/contracts/agent-reports";
import { decideProbeConnection } from "@/core/agents/probe-connection";
import type { PeerConfig } from "../config";
import { errorMessage, truncate } from "../error-message";
import { within } from "../pg-client";
import { EarlyProbeTrigger } from "../early-probe-trigger";
import type { PeerWitness, TimedPeerProbe } from "../witness";
import type { WitnessIdentity } from "../witness-identity";
import { closeMariadb, connectMariadb, rowsOf, type MariadbConnection } from "./client";
import { parseGtidPosition, seqIn } from "./gtid";
import type { ReplicaObservation } from "../adapters/engine-adapter";
import { gtidText, managedConnection, receivedSeqOf, withReplicasAcknowledging } from "./observation";
import { REPLICA_STATUS_SQL, type ReplicaStatusRow, type StatusRow } from "./probe-queries";
import { vouchForMariadb } from "./witness-vouch";

/** The probe's first query, whose round trip is the peer's latency: the replication domain and what the peer applied. */
const PEER_SQL = "SELECT @@gtid_domain_id AS domain_id, @@gtid_slave_pos AS gtid_slave_pos";

/** The peer's own account of acknowledging semi-synchronous commits (see semi-sync-standby.ts); no privilege needed. */
const SEMI_SYNC_REPLICA_SQL = "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_slave_status'";

interface PeerRow {
  domain_id: string | number;
  gtid_slave_pos: string;
}

interface KeptConnection {
  connection: Promise<MariadbConnection>;
  connectionString: string;
  openedAt: number;
  broken: boolean;
  lastProbeSucceeded: boolean;
}

/**
 * What a peer's server says it received from its primary, read by this
 * agent: null when it replicates from nobody (a primary) or its position
 * cannot be read. A primary's agent reports it so that a promotion of the
 * peer does not rest on the peer's own agent alone
 * (core/runbooks/promotion-checks, witness `primary-agent-read`).
 */
export function peerReceived(row: PeerRow, replicas: ReplicaStatusRow[]): NonNullable<PeerProbe["received"]> | null {
  const connection = managedConnection(replicas);
  if (!connection) return null;
  const domain = Number(row.domain_id);
  if (!Number.isInteger(domain) || domain < 0) return null;
  const lsn = receivedSeqOf(connection, seqIn(parseGtidPosition(row.gtid_slave_pos), domain), domain);
  if (lsn === null) return null;
  const io = gtidText(connection.Gtid_IO_Pos);
  return { lsn, gtid: io || gtidText(row.gtid_slave_pos) || null };
}

/**
 * The witness of a MariaDB agent: one kept connection per peer server
 * (reused as core/agents/probe-connection decides, like PostgreSQL's
 * PeerProbes), a query answered within the probe's timeout for
 * reachability, then the peer's replica status for its received position.
 * A peer that answers the first query but not the second (its monitoring
 * user lacks SLAVE MONITOR) is reachable with no position. Last, whether
 * the peer acknowledges semi-synchronous commits, which a primary's report
 * needs to name its synchronous standby (`completeObservation`). With
 * `witness` (this agent's replica), it vouches for a peer in another region
 * that replicates from nobody (witness-vouch.ts).
 */
export class MariadbPeerProbes implements PeerWitness {
  private readonly kept = new Map<string, KeptConnection>();
  /** Each peer's Rpl_semi_sync_slave_status as the last round of probes read it; a peer not read is absent. */
  private acknowledging = new Map<string, boolean>();

  private readonly early: EarlyProbeTrigger;

  /** `probeNow`: as PeerProbes', when a peer closes a sound kept connection. */
  constructor(
    private readonly witness?: WitnessIdentity,
    probeNow?: () => void,
  ) {
    this.early = new EarlyProbeTrigger(probeNow);
  }

  async probe(peers: readonly PeerConfig[], timeoutMs: number): Promise<TimedPeerProbe[]> {
    for (const name of this.kept.keys()) if (!peers.some((peer) => peer.replica === name)) this.drop(name);
    const acknowledging = new Map<string, boolean>();
    const probes = await Promise.all(peers.map((peer) => this.probePeer(peer, timeoutMs, acknowledging)));
    this.acknowledging = acknowledging;
    return probes;
  }

  /** The local primary's observation with its replicas' sync states as this round's probes read their semi-sync status. */
  completeObservation(observation: ReplicaObservation): ReplicaObservation {
    return withReplicasAcknowledging(observation, this.acknowledging);
  }

  async close(): Promise<void> {
    const kept = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(kept.map((entry) => entry.connection.then(closeMariadb, () => {})));
  }

  async probePeer(peer: PeerConfig, timeoutMs: number, acknowledging = new Map<string, boolean>()): Promise<TimedPeerProbe> {
    const started = performance.now();
    const identity = { replica: peer.replica, regionId: peer.regionId };
    const left = () => timeoutMs - (performance.now() - started);
    let failure: unknown;
    for (let attempt = 0; attempt < 2 && left() > 0; attempt++) {
      const { kept, reused } = this.connection(peer, started, timeoutMs);
      try {
        const connection = await within(kept.connection, left(), `connection to ${peer.replica}`);
        const sent = performance.now();
        const [row] = await within(rowsOf<PeerRow>(connection, PEER_SQL, timeoutMs), left(), `witness probe of ${peer.replica}`);
        const rttMs = performance.now() - sent;
        kept.lastProbeSucceeded = true;
        const replicas = await within(rowsOf<ReplicaStatusRow>(connection, REPLICA_STATUS_SQL, timeoutMs), left(), `replica status of ${peer.replica}`).catch(() => null);
        const received = row && replicas ? peerReceived(row, replicas) : null;
        if (this.witness && this.witness.regionId !== peer.regionId && replicas && !managedConnection(replicas)) {
          kept.lastProbeSucceeded = await vouchForMariadb(connection, this.witness, peer.replica, started);
        }
        const semiSync = await within(rowsOf<StatusRow>(connection, SEMI_SYNC_REPLICA_SQL, timeoutMs), left(), `semi-sync status of ${peer.replica}`).catch(() => null);
        if (semiSync?.[0]) acknowledging.set(peer.replica, semiSync[0].Value.toUpperCase() === "ON");
        return { probe: { ...identity, reachable: true, rttMs: Math.round(rttMs * 100) / 100, error: null, received }, durationMs: performance.now() - started };
      } catch (error) {
        kept.lastProbeSucceeded = false;
        failure = error;
        if (!reused) break;
      }
    }
    return { probe: { ...identity, reachable: false, rttMs: null, error: truncate(errorMessage(failure), 500), received: null }, durationMs: performance.now() - started };
  }

  private connection(peer: PeerConfig, now: number, timeoutMs: number): { kept: KeptConnection; reused: boolean } {
    const kept = this.kept.get(peer.replica);
    const rule = decideProbeConnection({
      kept: kept !== undefined,
      sameTarget: kept?.connectionString === peer.connectionString,
      broken: kept?.broken ?? false,
      lastProbeSucceeded: kept?.lastProbeSucceeded ?? false,
      ageMs: kept ? now - kept.openedAt : 0,
    });
    if (kept && rule.action === "reuse") return { kept, reused: true };
    this.drop(peer.replica);
    const fresh: KeptConnection = { connection: connectMariadb(peer.connectionString, timeoutMs), connectionString: peer.connectionString, openedAt: now, broken: false, lastProbeSucceeded: false };
    const ended = this.early.onEnd(fresh, () => this.kept.get(peer.replica) === fresh);
    fresh.connection.then(
      (connection) => {
        connection.on("error", ended);
        connection.on("end", ended);
      },
      () => (fresh.broken = true),
    );
    this.kept.set(peer.replica, fresh);
    return { kept: fresh, reused: false };
  }

  private drop(replica: string): void {
    const kept = this.kept.get(replica);
    this.kept.delete(replica);
    if (kept) void kept.connection.then(closeMariadb, () => {});
  }
}
