import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresAdapter } from "@/agents/adapters/postgres-adapter";
import { PeerProbes } from "@/agents/witness";
import { startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { killRegion } from "@/lab/faults";
import { startLab, type Lab } from "@/lab/lab";
import { pgdataDir } from "@/lab/paths";
import { serverSettings } from "@/lab/settings";

/**
 * The agent's PostgreSQL adapter and witness probes against the real lab:
 * three PostgreSQL clusters with streaming replication, one synchronous and
 * one asynchronous standby.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lab-agents-"));
chmodSync(dir, 0o755);
let lab: Lab;
const adapters = new Map<string, PostgresAdapter>();

async function sql(name: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: lab.connectionString(name) });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const observe = (name: string) => adapters.get(name)!.probe();

beforeAll(async () => {
  // orders-db alone: the adapter is what is tested here, and payments-db would only slow it down.
  lab = await startLab({ dataDir: dir, log: () => {}, services: ["orders-db"] });
  for (const replica of lab.replicas) adapters.set(replica.name, new PostgresAdapter(lab.connectionString(replica.name), 2_000));
}, 120_000);

afterAll(async () => {
  for (const adapter of adapters.values()) await adapter.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the PostgreSQL adapter on the lab", () => {
  it("sees the primary with its synchronous and asynchronous standbys, and lag that agrees with the LSNs", async () => {
    await sql("pg-us-east-1", "INSERT INTO orders (id, payload) VALUES ('lab-agents-1', 'x')");
    const primary = await eventually(
      () => observe("pg-us-east-1"),
      (o) => o.standbys.length === 2 && o.standbys.every((s) => s.replayLsn === o.lsn.current),
    );
    expect(primary).toMatchObject({ reachable: true, role: "primary" });
    expect(primary.settings.synchronous_standby_names).toContain("pg-eu-west-1");
    const byName = Object.fromEntries(primary.standbys.map((standby) => [standby.applicationName, standby]));
    expect(byName["pg-eu-west-1"]).toMatchObject({ syncState: "sync", state: "streaming" });
    expect(byName["pg-europe-west3"]).toMatchObject({ syncState: "async", state: "streaming" });
    for (const standby of primary.standbys) {
      // The primary's lag per standby is its own WAL position minus what the standby replayed.
      expect(standby.replayLagBytes).toBe(Number(BigInt(primary.lsn.current!) - BigInt(standby.replayLsn!)));
    }
    expect(primary.slots.map((slot) => slot.active)).toEqual([true, true]);

    for (const name of ["pg-eu-west-1", "pg-europe-west3"]) {
      // Idle, each standby catches up with all the WAL the primary has (which
      // can grow a little after our insert: checkpoints, keepalives).
      const standby = await eventually(
        () => observe(name),
        (o) => o.lag.bytes === 0 && o.lsn.replayed !== null && BigInt(o.lsn.replayed) >= BigInt(primary.lsn.current!),
      );
      expect(standby).toMatchObject({ reachable: true, role: "standby", lag: { bytes: 0, seconds: 0 } });
      expect(standby.walReceiver?.status).toBe("streaming");
      expect(standby.lsn.received).toBe(standby.lsn.replayed);
      expect(standby.timeline).toBe(primary.timeline);
    }
  });

  it("reports a stopped standby as down, and the primary as missing it", async () => {
    const standbyData = pgdataDir(dir, "pg-europe-west3");
    const port = lab.replicas.find((replica) => replica.name === "pg-europe-west3")!.port;
    await stopCluster(standbyData);
    try {
      const standby = await observe("pg-europe-west3");
      expect(standby.reachable).toBe(false);
      expect(standby.error).toMatch(/ECONNREFUSED|connect/i);
      const primary = await eventually(() => observe("pg-us-east-1"), (o) => o.standbys.length === 1);
      expect(primary.standbys.map((s) => s.applicationName)).toEqual(["pg-eu-west-1"]);
      expect(primary.slots.find((slot) => slot.name.includes("europe"))?.active).toBe(false);
    } finally {
      await startCluster({ dataDir: standbyData, port, settings: serverSettings("standby", "pg-us-east-1") }, path.join(dir, "restart.log"));
    }
    const primary = await eventually(() => observe("pg-us-east-1"), (o) => o.standbys.length === 2);
    expect(primary.standbys).toHaveLength(2);
  });

  it("lets a witness see a killed region as unreachable", async () => {
    const target = lab.replicas.find((replica) => replica.name === "pg-europe-west3")!;
    const peer = { replica: target.name, regionId: target.regionId, connectionString: lab.connectionString(target.name) };
    // The kept connection of the first probe is what the second one finds: the peer's death must show through it.
    const probes = new PeerProbes();
    const before = await probes.probePeer(peer, 2_000);
    expect(before.probe).toMatchObject({ reachable: true, error: null });
    expect(before.probe.rttMs).toBeGreaterThan(0);

    await killRegion(dir, "gcp:europe-west3");
    const after = await probes.probePeer(peer, 2_000);
    await probes.close();
    expect(after.probe).toMatchObject({ replica: "pg-europe-west3", regionId: "gcp:europe-west3", reachable: false, rttMs: null });
    expect(after.probe.error).toBeTruthy();
  });
});
