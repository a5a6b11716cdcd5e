import { performance } from "node:perf_hooks";
import type pg from "pg";
import type { PeerProbe } from "@/contracts/agent-reports";
import { WITNESS_VOUCH_WITHIN_MS } from "@/core/policy/budgets";
import type { PeerConfig } from "./config";
import { errorMessage, truncate } from "./error-message";
import { closeClient, newClient, within } from "./pg-client";
import { VOUCH_CHANNEL } from "./primary-lease/vouch";
import type { WitnessIdentity } from "./witness-identity";

export interface TimedPeerProbe {
  probe: PeerProbe;
  durationMs: number;
}

/**
 * Witnesses a peer region's replica: connect, `SELECT 1`, disconnect. A new
 * connection per probe, on purpose: a persistent one to a dead or
 * partitioned peer can hang half-open until TCP keepalive gives up, and
 * would skip the very steps (TCP, TLS, authentication, a free backend slot)
 * that tell whether the peer can still serve. rttMs is the `SELECT 1` round
 * trip, the closest thing to network latency; connecting takes several.
 *
 * With `witness` (this agent's replica), a probe of a peer in another region
 * that succeeded quickly also vouches for it (see `vouch`); a vouch that
 * fails changes nothing about the probe.
 */
export async function probePeer(peer: PeerConfig, timeoutMs: number, witness?: WitnessIdentity): Promise<TimedPeerProbe> {
  const client = newClient(peer.connectionString, timeoutMs, "switchyard-witness");
  const started = performance.now();
  const identity = { replica: peer.replica, regionId: peer.regionId };
  try {
    const rttMs = await within(
      (async () => {
        await client.connect();
        const sent = performance.now();
        await client.query("SELECT 1");
        return performance.now() - sent;
      })(),
      timeoutMs,
      `witness probe of ${peer.replica}`,
    );
    if (witness && witness.regionId !== peer.regionId) await vouch(client, witness, peer.replica, started);
    return { probe: { ...identity, reachable: true, rttMs: Math.round(rttMs * 100) / 100, error: null }, durationMs: performance.now() - started };
  } catch (error) {
    return { probe: { ...identity, reachable: false, rttMs: null, error: truncate(errorMessage(error), 500) }, durationMs: performance.now() - started };
  } finally {
    void closeClient(client);
  }
}

/** All peers in parallel: a tick waits for the slowest peer, never for the sum. */
export function probePeers(peers: readonly PeerConfig[], timeoutMs: number, witness?: WitnessIdentity): Promise<TimedPeerProbe[]> {
  return Promise.all(peers.map((peer) => probePeer(peer, timeoutMs, witness)));
}

/** Probes that vouch for the peers they reach as `witness`, for the Agent. */
export function vouchingProbes(witness: WitnessIdentity): typeof probePeers {
  return (peers, timeoutMs) => probePeers(peers, timeoutMs, witness);
}

/**
 * Tells the peer, if it is a primary, that this witness reached it: a signed
 * NOTIFY its agent listens for, which keeps its lease while the control plane
 * is out of reach. The automation reckons that a witness whose probes fail
 * from some moment on stops vouching WITNESS_VOUCH_WITHIN_MS later, so a
 * vouch holds only until then: the end is set on the peer's own clock from
 * when it accepted this connection (after the probe started), less the time
 * already spent, signed into the vouch, and the NOTIFY runs only before it.
 * A standby skips it (NOTIFY fails during recovery), and so does a fenced
 * primary: each NOTIFY commits a WAL record, and WAL a fenced primary writes
 * after its final position would reach the standbys still attached to it
 * past the point where the new primary forks.
 */
async function vouch(client: pg.Client, witness: WitnessIdentity, primary: string, startedAt: number): Promise<void> {
  const remainingMs = () => WITNESS_VOUCH_WITHIN_MS - (performance.now() - startedAt);
  if (remainingMs() <= 0) return;
  try {
    const { rows } = await within(
      client.query<{ acceptedUs: string; writable: boolean }>(
        `SELECT (extract(epoch FROM session.backend_start) * 1000000)::bigint::text AS "acceptedUs",
                NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable
           FROM pg_stat_get_activity(pg_backend_pid()) AS session`,
      ),
      remainingMs(),
      `the clock of ${primary}`,
    );
    const row = rows[0];
    const left = remainingMs();
    if (!row?.writable || left <= 0) return;
    const notAfterUs = Number(row.acceptedUs) + Math.floor(left * 1000);
    await within(
      client.query(
        `SELECT pg_notify($1, $2) WHERE NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'
            AND clock_timestamp() < to_timestamp($3::float8 / 1000000)`,
        [VOUCH_CHANNEL, witness.vouch(primary, notAfterUs), notAfterUs],
      ),
      left,
      `vouch for ${primary}`,
    );
  } catch {
    // The probe itself succeeded; a lost vouch only leaves the peer to its other renewals.
  }
}
