import { performance } from "node:perf_hooks";
import type { PeerProbe } from "@/contracts/agent-reports";
import type { PeerConfig } from "./config";
import { errorMessage, truncate } from "./error-message";
import { closeClient, newClient, within } from "./pg-client";

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
 */
export async function probePeer(peer: PeerConfig, timeoutMs: number): Promise<TimedPeerProbe> {
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
    return { probe: { ...identity, reachable: true, rttMs: Math.round(rttMs * 100) / 100, error: null }, durationMs: performance.now() - started };
  } catch (error) {
    return { probe: { ...identity, reachable: false, rttMs: null, error: truncate(errorMessage(error), 500) }, durationMs: performance.now() - started };
  } finally {
    void closeClient(client);
  }
}

/** All peers in parallel: a tick waits for the slowest peer, never for the sum. */
export function probePeers(peers: readonly PeerConfig[], timeoutMs: number): Promise<TimedPeerProbe[]> {
  return Promise.all(peers.map((peer) => probePeer(peer, timeoutMs)));
}
