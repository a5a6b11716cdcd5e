import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerProbes } from "@/agents/witness";
import { pauseCluster, resumeCluster, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { ReplicationCluster, type ClusterServer } from "../support/replication-cluster";
import { until } from "../support/product";

/**
 * The witness keeps one connection per peer (core/agents/probe-connection),
 * yet a peer that dies or freezes under it must look unreachable within the
 * probe's timeout, as it did when every probe connected afresh.
 */

const TIMEOUT_MS = 1000;
let cluster: ReplicationCluster;
let peerServer: ClusterServer;
let peer: { replica: string; regionId: string; connectionString: string };

/** The peer's witness sessions, as the peer sees them: which backends, since when. */
const witnessSessions = () =>
  cluster.sql<{ pid: number; started: string }>(peerServer, "SELECT pid, backend_start::text AS started FROM pg_stat_activity WHERE application_name = 'switchyard-witness'");

beforeAll(async () => {
  cluster = ReplicationCluster.create("witness-kept", "witness-password");
  peerServer = await cluster.startPrimary("peer");
  peer = { replica: "peer", regionId: "aws:us-east-1", connectionString: cluster.url(peerServer) };
});

afterAll(async () => {
  await resumeCluster(peerServer.dataDir);
  await cluster.stop();
});

describe("witness probes over a kept connection", () => {
  it("reuse one backend of the peer probe after probe", async () => {
    const probes = new PeerProbes();
    try {
      for (let i = 0; i < 3; i++) expect((await probes.probePeer(peer, TIMEOUT_MS)).probe).toMatchObject({ reachable: true, error: null });
      const first = await witnessSessions();
      for (let i = 0; i < 3; i++) expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
      expect(first).toHaveLength(1);
      expect(await witnessSessions()).toEqual(first);
    } finally {
      await probes.close();
    }
  });

  it("report a frozen peer (SIGSTOP) unreachable within the probe's timeout, and reach it afresh once it thaws", async () => {
    const probes = new PeerProbes();
    try {
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
      const [before] = await witnessSessions();
      await pauseCluster(peerServer.dataDir);
      let frozen;
      try {
        frozen = await probes.probePeer(peer, TIMEOUT_MS);
      } finally {
        await resumeCluster(peerServer.dataDir);
      }
      expect(frozen.probe).toMatchObject({ reachable: false, rttMs: null });
      // The bound the fresh connections had: what timed out was given what was left of the probe's timeout, no more
      // (the kept connection has no read timeout of node-postgres's own: agents/pg-client.ts, newKeptClient).
      const error = String(frozen.probe.error);
      const waited = /timed out after ([\d.]+) ms/.exec(error);
      expect(waited, error).not.toBeNull();
      expect(Number(waited![1])).toBeLessThanOrEqual(TIMEOUT_MS);

      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
      const after = await witnessSessions();
      expect(after).toHaveLength(1);
      expect(after[0]!.pid).not.toBe(before!.pid);
    } finally {
      await probes.close();
    }
  });

  it("report a stopped peer unreachable at the next probe, and reach it again once it is back", async () => {
    const probes = new PeerProbes();
    try {
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
      await stopCluster(peerServer.dataDir, "immediate");
      const stopped = await probes.probePeer(peer, TIMEOUT_MS);
      expect(stopped.probe).toMatchObject({ reachable: false, rttMs: null });
      expect(stopped.probe.error).toMatch(/ECONNREFUSED|terminat|closed|connect/i);

      await startCluster({ dataDir: peerServer.dataDir, port: peerServer.port }, path.join(cluster.dir, "peer.log"));
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe).toMatchObject({ reachable: true, error: null });
    } finally {
      await probes.close();
    }
  });

  it("ask for a probe at once when the peer closes a sound connection (its server died), not when the witness lets go of one itself", async () => {
    let asked = 0;
    const probes = new PeerProbes(undefined, () => (asked += 1));
    try {
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
      const [session] = await witnessSessions();
      await cluster.sql(peerServer, "SELECT pg_terminate_backend($1)", [session!.pid]);
      await until("the witness to ask for a probe after the peer ended its session", async () => asked, (count) => count === 1, 10_000);
      // A peer that ended one session but still answers is found reachable by that probe.
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe).toMatchObject({ reachable: true, error: null });

      // Past the spacing that keeps a peer closing connections from making the witness probe in a loop.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await stopCluster(peerServer.dataDir, "immediate");
      await until("the witness to ask for a probe after the peer's server stopped", async () => asked, (count) => count === 2, 10_000);
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(false);
      await startCluster({ dataDir: peerServer.dataDir, port: peerServer.port }, path.join(cluster.dir, "peer.log"));
      expect((await probes.probePeer(peer, TIMEOUT_MS)).probe.reachable).toBe(true);
    } finally {
      await probes.close();
    }
    await until("the peer to end the witness's session", witnessSessions, (sessions) => sessions.length === 0, 10_000);
    expect(asked).toBe(2);
  });
});
