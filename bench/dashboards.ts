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
import { seedHistory, seedTopology, serviceIdOf } from "./support/dashboard-fleet";
import { enrollAndReport, keepFresh } from "./support/simulated-fleet";
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

const seconds = (since: number) => round((performance.now() - since) / 1000);

const controlPlane = await startControlPlane();
const db = createDb(controlPlane.databaseUrl, 4);
const sql = new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 2 });
let fresh: ReturnType<typeof keepFresh> | undefined;
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
  const topologySeconds = seconds(started);

  // Agents are registered, and report once, through the API, so their rows, latest states and links are what ingest writes.
  started = performance.now();
  await enrollAndReport(controlPlane.url, token, replicas);
  const agentsSeconds = seconds(started);

  fresh = keepFresh(sql);

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
        stateRefreshesDuringRun: fresh.refreshes(),
        lagEndpoint: lagServed ? "measured" : `not measured: GET /api/v1/services/{id}/lag answered ${lagProbe.status}`,
        latency: measured,
        goal: "p95 < 300 ms",
      },
      null,
      2,
    ),
  );
} finally {
  await fresh?.stop();
  await sql.end();
  await db.$disconnect();
  await controlPlane.stop();
}
