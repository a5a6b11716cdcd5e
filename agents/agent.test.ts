import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentReportSchema, type AgentHealthEndpoint, type PeerProbe } from "@/contracts/agent-reports";
import { unreachableObservation, type EngineAdapter, type ReplicaObservation } from "./adapters/engine-adapter";
import { simulatedObservation } from "./adapters/simulated-adapter";
import { Agent } from "./agent";
import { createLogger } from "./log";
import { AgentMetrics } from "./metrics";
import { ReportQueue } from "./report-queue";
import type { TimedPeerProbe } from "./witness";

/** An adapter whose answers the test scripts, one function per call. */
class ScriptedAdapter implements EngineAdapter {
  readonly engine = "postgresql" as const;
  calls = 0;
  closed = false;
  constructor(private readonly script: (call: number) => Promise<ReplicaObservation>) {}
  probe(): Promise<ReplicaObservation> {
    return this.script(this.calls++);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const healthy = async (): Promise<ReplicaObservation> => ({ ...simulatedObservation(1, 0, "primary"), engine: "postgresql" });

let dir: string;
let queue: ReportQueue;
let metrics: AgentMetrics;
let logLines: Record<string, unknown>[];
let deliveries: number;
let flushed: boolean;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-"));
  queue = ReportQueue.open(dir, { maxBytes: 1024 * 1024 });
  metrics = new AgentMetrics({ processMetrics: false });
  logLines = [];
  deliveries = 0;
  flushed = false;
});

afterEach(() => {
  queue.close();
  rmSync(dir, { recursive: true, force: true });
});

let keeperSaw: { reachable: boolean; role: string | null }[];

function makeAgent(adapter: EngineAdapter, peers: PeerProbe[] = [], healthEndpoint?: AgentHealthEndpoint | null): Agent {
  keeperSaw = [];
  return new Agent({
    healthEndpoint,
    keeper: { probed: ({ reachable, role }) => void keeperSaw.push({ reachable, role }) },
    config: {
      intervalMs: 1000,
      probeTimeoutMs: 500,
      peers: peers.map((peer) => ({ replica: peer.replica, regionId: peer.regionId, connectionString: "postgresql://unused" })),
    },
    adapter,
    queue,
    delivery: {
      deliver: async () => {
        deliveries += 1;
      },
      flush: async () => {
        flushed = true;
      },
      close: () => {},
    },
    metrics,
    log: createLogger("agent-test", (line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
    witnesses: { probe: async (): Promise<TimedPeerProbe[]> => peers.map((probe) => ({ probe, durationMs: 3 })), close: async () => {} },
    now: () => new Date("2026-11-26T04:00:00.000Z"),
  });
}

const queued = () => queue.peek(100).map((report) => agentReportSchema.parse(JSON.parse(report.json)));

describe("Agent", () => {
  it("queues one valid report per tick, with the witness probes, and starts a delivery", async () => {
    const peer: PeerProbe = { replica: "orders-us", regionId: "aws:us-east-1", reachable: false, rttMs: null, error: "connect ECONNREFUSED" };
    const agent = makeAgent(new ScriptedAdapter(healthy), [peer]);
    await agent.scheduleTick();
    await agent.scheduleTick();
    const reports = queued();
    expect(reports.map((report) => report.seq)).toEqual([1, 2]);
    expect(reports[0]).toMatchObject({ observedAt: "2026-11-26T04:00:00.000Z", role: "primary", reachable: true, peers: [peer] });
    expect(deliveries).toBe(2);
    expect(logLines).toContainEqual(expect.objectContaining({ event: "peer.unreachable", level: "warn" }));
  });

  it("tells where it serves its health endpoints in every report, and null when it serves none", async () => {
    await makeAgent(new ScriptedAdapter(healthy), [], { host: "0.0.0.0", port: 8008, tls: true }).scheduleTick();
    await makeAgent(new ScriptedAdapter(healthy)).scheduleTick();
    expect(queued().map((report) => report.health)).toEqual([{ host: "0.0.0.0", port: 8008, tls: true }, null]);
  });

  it("witnesses the peers of a new configuration from the next tick on, and asks the witness even with none (it lets go of peers no longer listed)", async () => {
    const asked: string[][] = [];
    const agent = new Agent({
      config: { intervalMs: 1000, probeTimeoutMs: 500, peers: [] },
      adapter: new ScriptedAdapter(healthy),
      queue,
      delivery: { deliver: async () => {}, flush: async () => {}, close: () => {} },
      metrics,
      log: createLogger("agent-test", () => {}),
      witnesses: {
        probe: async (peers): Promise<TimedPeerProbe[]> => {
          asked.push(peers.map((peer) => peer.replica));
          return peers.map((peer) => ({ probe: { replica: peer.replica, regionId: peer.regionId, reachable: true, rttMs: 1, error: null }, durationMs: 1 }));
        },
        close: async () => {},
      },
      now: () => new Date("2026-11-26T04:00:00.000Z"),
    });
    await agent.scheduleTick();
    agent.reconfigure({ intervalMs: 1000, probeTimeoutMs: 500, peers: [{ replica: "orders-ap", regionId: "gcp:asia-east1", connectionString: "postgresql://unused" }] });
    await agent.scheduleTick();
    expect(asked).toEqual([[], ["orders-ap"]]);
    expect(queued().map((report) => report.peers.map((peer) => peer.replica))).toEqual([[], ["orders-ap"]]);
  });

  it("reports the local observation as the witness completes it, with what this tick's probes read", async () => {
    const read: string[] = [];
    const agent = new Agent({
      config: { intervalMs: 1000, probeTimeoutMs: 500, peers: [{ replica: "orders-eu", regionId: "aws:eu-west-1", connectionString: "postgresql://unused" }] },
      adapter: new ScriptedAdapter(healthy),
      queue,
      delivery: { deliver: async () => {}, flush: async () => {}, close: () => {} },
      metrics,
      log: createLogger("agent-test", () => {}),
      witnesses: {
        probe: async (peers): Promise<TimedPeerProbe[]> => {
          read.push("probed");
          return peers.map((peer) => ({ probe: { replica: peer.replica, regionId: peer.regionId, reachable: true, rttMs: 1, error: null }, durationMs: 1 }));
        },
        completeObservation: (observation) => {
          read.push("completed");
          return { ...observation, queryLatencyMs: 42 };
        },
        close: async () => {},
      },
    });
    await agent.scheduleTick();
    expect(read).toEqual(["probed", "completed"]);
    expect(queued()[0]).toMatchObject({ queryLatencyMs: 42, peers: [{ replica: "orders-eu", reachable: true }] });
  });

  it("skips a tick while the previous one still runs, instead of piling up", async () => {
    let release: () => void = () => {};
    const adapter = new ScriptedAdapter((call) =>
      call === 0 ? new Promise<ReplicaObservation>((resolve) => (release = () => void healthy().then(resolve))) : healthy(),
    );
    const agent = makeAgent(adapter);
    const first = agent.scheduleTick();
    void agent.scheduleTick();
    void agent.scheduleTick();
    expect(adapter.calls).toBe(1);
    release();
    await first;
    expect(queue.depth).toBe(1);
    expect((await metrics.ticksSkipped.get()).values[0]!.value).toBe(2);
    await agent.scheduleTick();
    expect(adapter.calls).toBe(2);
  });

  it("reports now when asked: at once, or right after the tick under way, once however often it is asked meanwhile", async () => {
    let release: () => void = () => {};
    const adapter = new ScriptedAdapter((call) =>
      call === 0 ? new Promise<ReplicaObservation>((resolve) => (release = () => void healthy().then(resolve))) : healthy(),
    );
    const agent = makeAgent(adapter);
    const first = agent.scheduleTick();
    agent.reportNow();
    agent.reportNow();
    expect(adapter.calls).toBe(1);
    release();
    await first;
    for (let i = 0; i < 100 && queue.depth < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(adapter.calls).toBe(2);
    expect(queue.depth).toBe(2);
    expect((await metrics.ticksSkipped.get()).values[0]?.value ?? 0).toBe(0);
    agent.reportNow();
    for (let i = 0; i < 100 && queue.depth < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(adapter.calls).toBe(3);
    expect(queue.depth).toBe(3);
  });

  it("reports an unreachable database as such and retries on the next tick", async () => {
    const adapter = new ScriptedAdapter(async (call) => (call === 0 ? unreachableObservation("postgresql", "connect ECONNREFUSED 127.0.0.1:5432") : healthy()));
    const agent = makeAgent(adapter);
    await agent.scheduleTick();
    await agent.scheduleTick();
    expect(queued().map((report) => report.reachable)).toEqual([false, true]);
    // The lease keeper hears of every probe: it reads a standby rarely, and is woken by what it did not expect.
    expect(keeperSaw).toEqual(queued().map(({ reachable, role }) => ({ reachable, role })));
    expect(logLines).toContainEqual(expect.objectContaining({ event: "replica.unreachable", failure: "database_error" }));
    expect(logLines).toContainEqual(expect.objectContaining({ event: "replica.reachable" }));
  });

  it("logs anything unexpected as a bug and keeps going", async () => {
    const adapter = new ScriptedAdapter(async (call) => {
      if (call === 0) throw new TypeError("cannot read properties of undefined");
      return healthy();
    });
    const agent = makeAgent(adapter);
    await agent.scheduleTick();
    await agent.scheduleTick();
    expect(logLines.filter((line) => line.failure === "bug").map((line) => line.event)).toEqual(["tick.failed"]);
    expect(queued()).toHaveLength(1);
  });

  it("on stop finishes the running tick, flushes, and closes the adapter", async () => {
    let release: () => void = () => {};
    const adapter = new ScriptedAdapter(() => new Promise<ReplicaObservation>((resolve) => (release = () => void healthy().then(resolve))));
    const agent = makeAgent(adapter);
    agent.start();
    const stopped = agent.stop();
    expect(flushed).toBe(false);
    release();
    await stopped;
    expect(queue.depth).toBe(1);
    expect(flushed).toBe(true);
    expect(adapter.closed).toBe(true);
  });
});
