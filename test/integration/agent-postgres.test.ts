import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReportBatchSchema, agentReportSchema, type AgentReport } from "@/contracts/agent-reports";
import { REPORT_STREAM_PATH } from "@/contracts/agent-report-stream";
import { PostgresAdapter } from "@/agents/adapters/postgres-adapter";
import { buildAgentBundle } from "@/agents/build";
import { PeerProbes } from "@/agents/witness";
import { closeAbruptly, listenLocally } from "../support/local-server";
import { superuserDatabaseUrl } from "../support/sql";
import { until } from "../support/until";

/** The agent against the real PostgreSQL 18 the integration setup provides, as its superuser (an agent watches a server, not the store). */

const databaseUrl = () => superuserDatabaseUrl();

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe("PostgresAdapter on PostgreSQL 18", () => {
  it("reads a primary: role, timeline, current LSN, settings", async () => {
    const adapter = new PostgresAdapter(databaseUrl(), 2000);
    try {
      const first = await adapter.probe();
      expect(first).toMatchObject({ engine: "postgresql", reachable: true, error: null, role: "primary", walReceiver: null });
      expect(agentReportSchema.safeParse({ seq: 1, observedAt: new Date().toISOString(), ...first, peers: [] }).success).toBe(true);
      expect(first.timeline).toBeGreaterThanOrEqual(1);
      expect(first.lsn.current).toMatch(/^\d+$/);
      expect(first.lsn.received).toBeNull();
      expect(first.lag).toEqual({ bytes: null, seconds: null });
      expect(first.queryLatencyMs).toBeGreaterThan(0);
      expect(first.settings).toEqual({
        synchronous_commit: "on",
        synchronous_standby_names: "",
        default_transaction_read_only: "off",
        transaction_read_only: "off",
      });

      await withClient((client) => client.query("CREATE TABLE agent_probe_wal AS SELECT generate_series(1, 10000) AS n"));
      const second = await adapter.probe();
      expect(BigInt(second.lsn.current!)).toBeGreaterThan(BigInt(first.lsn.current!));
    } finally {
      await adapter.close();
    }
  });

  it("reports the server's WAL position exactly as PostgreSQL computes it", async () => {
    const adapter = new PostgresAdapter(databaseUrl(), 2000);
    try {
      const [before] = await withClient(async (client) => (await client.query<{ lsn: string }>("SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn")).rows);
      const observation = await adapter.probe();
      const [after] = await withClient(async (client) => (await client.query<{ lsn: string }>("SELECT (pg_current_wal_lsn() - '0/0')::text AS lsn")).rows);
      expect(BigInt(observation.lsn.current!)).toBeGreaterThanOrEqual(BigInt(before!.lsn));
      expect(BigInt(observation.lsn.current!)).toBeLessThanOrEqual(BigInt(after!.lsn));
    } finally {
      await adapter.close();
    }
  });

  it("opens a new connection after its backend is terminated", async () => {
    const adapter = new PostgresAdapter(databaseUrl(), 2000);
    const agentBackends = () =>
      withClient(async (client) => (await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'switchyard-agent' AND datname = current_database()")).rows.map((row) => row.pid));
    try {
      expect((await adapter.probe()).reachable).toBe(true);
      const [killed] = await agentBackends();
      expect(killed).toBeDefined();
      await withClient((client) => client.query("SELECT pg_terminate_backend($1)", [killed]));
      const observations = [await adapter.probe(), await adapter.probe()];
      expect(observations.at(-1)!.reachable).toBe(true);
      expect(await agentBackends()).not.toContain(killed);
    } finally {
      await adapter.close();
    }
  });

  it("says why when the server cannot be reached", async () => {
    const url = new URL(databaseUrl());
    url.port = String(await closedPort());
    const adapter = new PostgresAdapter(url.toString(), 1000);
    try {
      const observation = await adapter.probe();
      expect(observation).toMatchObject({ reachable: false, role: null, timeline: null, queryLatencyMs: null, standbys: [], slots: [] });
      expect(observation.error).toMatch(/ECONNREFUSED/);
    } finally {
      await adapter.close();
    }
  });
});

describe("witness probes", () => {
  it("reach a live server with a round-trip time, and not a closed port", async () => {
    const dead = new URL(databaseUrl());
    dead.port = String(await closedPort());
    const probes = new PeerProbes();
    const [live, closed] = await probes.probe(
      [
        { replica: "orders-us", regionId: "aws:us-east-1", connectionString: databaseUrl() },
        { replica: "orders-gcp", regionId: "gcp:europe-west3", connectionString: dead.toString() },
      ],
      1000,
    );
    await probes.close();
    expect(live!.probe).toMatchObject({ replica: "orders-us", regionId: "aws:us-east-1", reachable: true, error: null });
    expect(live!.probe.rttMs).toBeGreaterThan(0);
    expect(closed!.probe).toMatchObject({ replica: "orders-gcp", reachable: false, rttMs: null });
    expect(closed!.probe.error).toMatch(/ECONNREFUSED/);
  });

  it("give up on a peer that accepts TCP but never answers, within the timeout", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const probes = new PeerProbes();
      const { probe } = await probes.probePeer({ replica: "hung", regionId: "x", connectionString: `postgresql://u@127.0.0.1:${(silent.address() as AddressInfo).port}/db` }, 500);
      await probes.close();
      expect(probe.reachable).toBe(false);
      // Bounded by the probe's timeout: what timed out was given at most the 500 ms.
      const waited = /timed out after ([\d.]+) ms/.exec(probe.error ?? "");
      expect(waited, String(probe.error)).not.toBeNull();
      expect(Number(waited![1])).toBeLessThanOrEqual(500);
    } finally {
      silent.close();
    }
  });
});

/** A stand-in for the control plane's ingest endpoint, as one that serves no report streams (the agent then posts its batches). */
class FakeControlPlane {
  storing = true;
  readonly accepted: AgentReport[] = [];
  readonly refusedSeqs = new Set<number>();
  readonly problems: string[] = [];
  private lastSeq = 0;
  private server = http.createServer((request, response) => {
    if (request.url === REPORT_STREAM_PATH) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url !== "/api/v1/agents/reports" || request.headers.authorization !== "Bearer integration-agent-token") {
        this.problems.push(`unexpected request ${request.method} ${request.url}`);
        response.writeHead(401).end();
        return;
      }
      const parsed = agentReportBatchSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (!parsed.success) {
        this.problems.push(parsed.error.message);
        response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "validation_failed", message: parsed.error.message } }));
        return;
      }
      const { reports } = parsed.data;
      if (!this.storing) {
        for (const report of reports) this.refusedSeqs.add(report.seq);
        response.writeHead(503).end();
        return;
      }
      if (reports[0]!.seq <= this.lastSeq) {
        response.writeHead(409, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "conflict", message: "already stored" }, lastSeq: this.lastSeq }));
        return;
      }
      this.accepted.push(...reports);
      this.lastSeq = reports.at(-1)!.seq;
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ accepted: reports.length, lastSeq: this.lastSeq, serverTime: new Date().toISOString(), clockSkewMs: 0 }));
    });
  });

  start(): Promise<string> {
    return listenLocally(this.server);
  }

  stop(): Promise<void> {
    return closeAbruptly(this.server);
  }
}

describe("the bundled agent as a process", () => {
  let dir: string;
  let bundle: string;
  let configFile: string;
  let metricsPort: number;
  const controlPlane = new FakeControlPlane();
  const running = new Set<ChildProcess>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-agent-it-"));
    bundle = path.join(dir, "switchyard-agent.cjs");
    await buildAgentBundle(bundle);
    const controlPlaneUrl = await controlPlane.start();
    metricsPort = await closedPort();
    configFile = path.join(dir, "agent.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        controlPlaneUrl,
        token: "integration-agent-token",
        agentName: "it-agent",
        replica: { name: "orders-eu", regionId: "aws:eu-west-1", engine: "postgresql", connectionString: databaseUrl() },
        peers: [{ replica: "orders-us", regionId: "aws:us-east-1", connectionString: databaseUrl() }],
        intervalMs: 200,
        probeTimeoutMs: 1000,
        queue: { dir: "queue" },
        metrics: { port: metricsPort },
      }),
    );
  });

  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await controlPlane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function startAgent(): { child: ChildProcess; logs: Record<string, unknown>[]; exited: Promise<number | null> } {
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, [bundle, configFile], { env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const logs: Record<string, unknown>[] = [];
    let pending = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop()!;
      for (const line of lines) logs.push(JSON.parse(line) as Record<string, unknown>);
    });
    child.stderr!.on("data", (chunk: Buffer) => logs.push({ stderr: chunk.toString() }));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => {
        running.delete(child);
        resolve(code);
      }),
    );
    return { child, logs, exited };
  }

  it("delivers, queues through an outage and a SIGKILL, and continues its sequence", async () => {
    const first = startAgent();
    await until("the agent to start", () => first.logs.some((line) => line.event === "agent.started"), Boolean, 5000, 50);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const delivered = controlPlane.accepted.map((report) => report.seq);
    expect(delivered.length).toBeGreaterThanOrEqual(5);
    expect(delivered).toEqual(delivered.map((_, i) => i + 1));
    for (const report of controlPlane.accepted) {
      expect(report).toMatchObject({ engine: "postgresql", reachable: true, role: "primary" });
      expect(report.peers).toEqual([expect.objectContaining({ replica: "orders-us", reachable: true })]);
    }

    const metrics = await new Promise<string>((resolve, reject) =>
      http.get(`http://127.0.0.1:${metricsPort}/metrics`, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve(body));
      }).on("error", reject),
    );
    expect(metrics).toMatch(/switchyard_agent_last_delivery_timestamp_seconds \d/);
    expect(metrics).toMatch(/switchyard_agent_probe_duration_seconds_count\{target="local"\} \d/);
    // prom-client reaches the bundle by its parts (agents/build.ts): the process metrics still come, the Pushgateway does not.
    expect(metrics).toMatch(/process_resident_memory_bytes \d/);
    expect(readFileSync(bundle, "utf8")).not.toContain("prom-client/lib/pushgateway");

    controlPlane.storing = false;
    await until("reports to be refused while the control plane is down", () => controlPlane.refusedSeqs.size >= 2, Boolean, 10_000, 50);
    first.child.kill("SIGKILL");
    await first.exited;
    const lastBeforeKill = Math.max(...controlPlane.refusedSeqs);

    controlPlane.storing = true;
    const second = startAgent();
    await until("the restarted agent to deliver", () => (controlPlane.accepted.at(-1)?.seq ?? 0) > lastBeforeKill + 3, Boolean, 10_000, 50);
    const all = controlPlane.accepted.map((report) => report.seq);
    for (let i = 1; i < all.length; i += 1) expect(all[i]).toBeGreaterThan(all[i - 1]!);
    for (const seq of controlPlane.refusedSeqs) expect(all).toContain(seq);
    expect(controlPlane.problems).toEqual([]);

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.logs.at(-1)).toMatchObject({ event: "agent.stopped" });
    expect(second.logs.filter((line) => line.level === "error")).toEqual([]);
  });
});
