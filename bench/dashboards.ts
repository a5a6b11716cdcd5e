/**
 * Dashboard benchmark: a production control plane on a fresh store with
 * 1,000 simulated replicas (100 services × 10 regions) that have agents,
 * latest states and witness links (each written by one real report through
 * the ingest API), 24 h of one-minute rollups and the last hour of raw 1 s
 * samples. Measures the dashboards' API calls one at a time, as a browser
 * polling them does, while the fleet's latest states and witness links are
 * refreshed every second as reporting agents would keep them.
 *
 *   npm run bench:dashboards -- --services 100 --requests 100 --raw-minutes 60
 */
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { ROLLUP_CURSOR } from "@/server/jobs/rollup-samples";
import { adminToken, startControlPlane } from "./support/control-plane";
import { benchReport, seedHistory, seedTopology, serviceIdOf, type BenchReplica } from "./support/dashboard-fleet";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "100" },
    requests: { type: "string", default: "100" },
    "raw-minutes": { type: "string", default: "60" },
  },
});
const SERVICES = Number(values.services);
const REQUESTS = Number(values.requests);
const RAW_MINUTES = Number(values["raw-minutes"]);
const WARM_UP = 10;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const seconds = (since: number) => round((performance.now() - since) / 1000);

const controlPlane = await startControlPlane();
const db = createDb(controlPlane.databaseUrl, 4);
const sql = new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 2 });
let refresher: NodeJS.Timeout | undefined;
/** The refresh in flight, awaited before the pool closes. */
let refreshing: Promise<void> | null = null;
try {
  const token = await adminToken(controlPlane.url);
  const api = (method: string, path: string, bearer: string, body?: unknown) =>
    fetch(`${controlPlane.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  let started = performance.now();
  const replicas = await seedTopology(db, SERVICES);
  const siblings = new Map<string, BenchReplica[]>();
  for (const replica of replicas) siblings.set(replica.serviceId, [...(siblings.get(replica.serviceId) ?? []), replica]);
  const topologySeconds = seconds(started);

  // Agents are registered, and report once, through the API, so their rows, latest states and links are what ingest writes.
  started = performance.now();
  const agentTokens = new Map<string, string>();
  await inParallel(replicas, 8, async (replica) => {
    const response = await api("POST", "/api/v1/agents", token, { replicaId: replica.id, name: `agent-${replica.name}` });
    if (response.status !== 201) throw new Error(`registering the agent of ${replica.name}: ${response.status} ${await response.text()}`);
    agentTokens.set(replica.id, ((await response.json()) as { token: string }).token);
  });
  await inParallel(replicas, 8, async (replica) => {
    const report = benchReport(replica, siblings.get(replica.serviceId)!, 1);
    const response = await api("POST", "/api/v1/agents/reports", agentTokens.get(replica.id)!, { sentAt: new Date().toISOString(), agentVersion: "bench", droppedReports: 0, reports: [report] });
    if (response.status !== 200) throw new Error(`the first report of ${replica.name}: ${response.status} ${await response.text()}`);
  });
  const agentsSeconds = seconds(started);

  // What a reporting fleet keeps doing to the rows the dashboards read: every latest state and witness link rewritten each second.
  let refreshes = 0;
  const refresh = async () => {
    await sql.query(`UPDATE "ReplicaState" SET "receivedAt" = now(), "observedAt" = now()`);
    await sql.query(`UPDATE "WitnessLink" SET "receivedAt" = now(), "observedAt" = now()`);
    await sql.query(`UPDATE "Agent" SET "lastHeartbeatAt" = now()`);
    refreshes++;
  };
  refresher = setInterval(() => {
    if (refreshing) return;
    refreshing = refresh().finally(() => (refreshing = null));
  }, 1000);

  started = performance.now();
  const history = await seedHistory(sql, RAW_MINUTES);
  const historySeconds = seconds(started);

  // The rollup job folds what arrived since its last run; let it catch up so it is not measured by accident.
  const seeded = new Date();
  for (let waited = 0; waited < 120; waited++) {
    const cursor = await db.jobCursor.findUnique({ where: { name: ROLLUP_CURSOR } });
    if (cursor && cursor.position >= seeded) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  const counts = await sql.query<Record<string, string>>(`
    SELECT (SELECT count(*) FROM "Service") AS services, (SELECT count(*) FROM "Replica") AS replicas, (SELECT count(*) FROM "Agent") AS agents,
           (SELECT count(*) FROM "ReplicaState") AS "replicaStates", (SELECT count(*) FROM "WitnessLink") AS "witnessLinks",
           (SELECT count(*) FROM "SampleRollup") AS rollups, (SELECT count(*) FROM "Sample") AS samples,
           pg_size_pretty(pg_database_size(current_database())) AS "storeSize"`);

  const lagServiceId = serviceIdOf(7);
  const lagProbe = await api("GET", `/api/v1/services/${lagServiceId}/lag?range=24h`, token);
  const lagServed = lagProbe.status === 200;
  await lagProbe.arrayBuffer();
  const targets = [
    { name: "GET /api/v1/fleet", path: "/api/v1/fleet" },
    { name: "GET /api/v1/regions/matrix", path: "/api/v1/regions/matrix" },
    ...(lagServed ? [{ name: "GET /api/v1/services/{id}/lag?range=24h", path: `/api/v1/services/${lagServiceId}/lag?range=24h` }] : []),
  ];

  const measured: Record<string, unknown> = {};
  for (const target of targets) {
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < WARM_UP + REQUESTS; i++) {
      const t0 = performance.now();
      const response = await api("GET", target.path, token);
      const body = await response.arrayBuffer();
      const elapsed = performance.now() - t0;
      if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${Buffer.from(body).toString().slice(0, 500)}`);
      if (i >= WARM_UP) latencies.push(elapsed);
      bytes = body.byteLength;
    }
    const latency = summarize(latencies);
    measured[target.name] = { requests: latencies.length, p50Ms: round(latency.p50), p95Ms: round(latency.p95), maxMs: round(latency.max), responseKiB: round(bytes / 1024) };
  }

  // The alert evaluator reads the whole fleet every second in the lease holder; its read-and-decide half, timed here in-process.
  process.env.DATABASE_URL = controlPlane.databaseUrl;
  const { decideAlerts } = await import("@/server/alerts/evaluate-alerts");
  const evaluations: number[] = [];
  for (let i = 0; i < WARM_UP + 50; i++) {
    const t0 = performance.now();
    await decideAlerts();
    if (i >= WARM_UP) evaluations.push(performance.now() - t0);
  }
  const evaluation = summarize(evaluations);
  measured["alert evaluation (read and decide, in-process)"] = { evaluations: evaluations.length, p50Ms: round(evaluation.p50), p95Ms: round(evaluation.p95), maxMs: round(evaluation.max) };

  const fleet = (await (await api("GET", "/api/v1/fleet", token)).json()) as { replicas: Record<string, number> };
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
        parameters: { services: SERVICES, replicasPerService: replicas.length / SERVICES, requestsPerEndpoint: REQUESTS, warmUpRequests: WARM_UP, rawMinutes: RAW_MINUTES },
        store: Object.fromEntries(Object.entries(counts.rows[0]!).map(([key, value]) => [key, /^\d+$/.test(value) ? Number(value) : value])),
        seedingSeconds: { topology: topologySeconds, agentsAndFirstReports: agentsSeconds, history: historySeconds },
        historyRows: history,
        fleetHealthAtEnd: fleet.replicas,
        stateRefreshesDuringRun: refreshes,
        lagEndpoint: lagServed ? "measured" : `not measured: GET /api/v1/services/{id}/lag answered ${lagProbe.status}`,
        latency: measured,
        goal: "p95 < 300 ms",
      },
      null,
      2,
    ),
  );
} finally {
  if (refresher) clearInterval(refresher);
  await refreshing;
  await sql.end();
  await db.$disconnect();
  await controlPlane.stop();
}
