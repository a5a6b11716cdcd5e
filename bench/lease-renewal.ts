/**
 * Primary lease renewal benchmark: a production control plane (as `npm
 * start` runs it, lab off) on a fresh store holding simulated services whose
 * agents were registered and bound their witness keys through the API, the
 * write route of each pointing at its primary. N primaries renew their lease
 * once a second each (spread evenly over the second; one request in flight
 * per primary, as the agent does) for a fixed time, for each N asked for.
 *
 * Measured per run: renewals/s answered, latency, the CPU the control plane
 * (the `next start` process and any children) and the store used per
 * renewal — utime + stime from /proc, minus what they used while idle over
 * the same time, measured first — and SQL statements per renewal (every
 * statement the store executed, from pg_stat_statements, loaded for this
 * benchmark, minus the idle count). For comparison, the same load against a
 * route that does no SQL at all (the lease route without a token: 401 before
 * any query) and, at the busiest rate, against GET /api/health (one Prisma
 * statement): what the framework costs by itself per request.
 *
 * The control plane's background loops (decider, alerts, runbooks, upkeep)
 * are off by default (SWITCHYARD_JOBS=off) so that the figures are the
 * renewals' own; `--jobs on` runs them too. `--direct-lane off` has Next.js
 * route the renewals too (SWITCHYARD_DIRECT_LANE=off), for the comparison.
 *
 *   npm run bench:lease -- --primaries 100,1000 --seconds 30 --replicas 3
 */
import os from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { adminToken, startControlPlane } from "./support/control-plane";
import { seedLeaseFleet } from "./support/lease-fleet";
import { pacedLoad, type PacedRequest } from "./support/paced-load";
import { controlPlanePid, treeCpuSeconds } from "./support/process-cpu";
import { round, summarize } from "./support/stats";
import { StatementStats, storeWithStatementStats } from "./support/statement-stats";

const { values } = parseArgs({
  options: {
    primaries: { type: "string", default: "100,1000" },
    seconds: { type: "string", default: "30" },
    replicas: { type: "string", default: "3" },
    "idle-seconds": { type: "string", default: "10" },
    jobs: { type: "string", default: "off" },
    "direct-lane": { type: "string", default: "on" },
  },
});
const FLEETS = values.primaries.split(",").map(Number);
const SECONDS = Number(values.seconds);
const REPLICAS = Number(values.replicas);
const IDLE_SECONDS = Number(values["idle-seconds"]);
const JOBS = values.jobs === "on";
const DIRECT_LANE = values["direct-lane"] !== "off";
const RENEWAL = { role: "primary", readOnly: false, selfFencedAt: null };

const controlPlane = await startControlPlane({ prepareDataDir: storeWithStatementStats, env: { ...(JOBS ? {} : { SWITCHYARD_JOBS: "off" }), ...(DIRECT_LANE ? {} : { SWITCHYARD_DIRECT_LANE: "off" }) } });
const db = createDb(controlPlane.databaseUrl, 2);
const sql = new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 1 });
try {
  const statements = new StatementStats(sql);
  await statements.install();
  const token = await adminToken(controlPlane.url);
  let started = performance.now();
  const primaries = await seedLeaseFleet(db, controlPlane.url, token, Math.max(...FLEETS), REPLICAS);
  const seedingSeconds = round((performance.now() - started) / 1000);

  const renewals = primaries.map((primary): PacedRequest => ({ method: "POST", path: "/api/v1/agents/lease", token: primary.token, body: RENEWAL }));
  const classifyLease = (status: number, body: string) => (status === 200 ? ((JSON.parse(body) as { granted: boolean }).granted ? "granted" : "refused") : `status ${status}`);
  // Every primary once, 16 at a time, and what each answer must be: granted, since the write route points at it.
  let warmed = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (warmed < primaries.length) {
        const primary = primaries[warmed++]!;
        const response = await fetch(`${controlPlane.url}/api/v1/agents/lease`, { method: "POST", headers: { authorization: `Bearer ${primary.token}`, "content-type": "application/json" }, body: JSON.stringify(RENEWAL) });
        const answer = await response.text();
        if (classifyLease(response.status, answer) !== "granted") throw new Error(`${primary.replica} was not granted its lease: ${response.status} ${answer}`);
      }
    }),
  );

  const nextPid = controlPlanePid(controlPlane.dataDir);
  const storePid = Number(readFileSync(path.join(controlPlane.dataDir, "store", "pgdata", "postmaster.pid"), "utf8").split("\n")[0]);
  const usage = () => ({ next: treeCpuSeconds(nextPid), store: treeCpuSeconds(storePid), at: performance.now() });
  /** CPU seconds of the control plane and of the store, and statements executed, over `work`. */
  const measure = async <T>(work: () => Promise<T>) => {
    await statements.reset();
    const before = usage();
    const result = await work();
    const after = usage();
    return { result, nextCpu: after.next - before.next, storeCpu: after.store - before.store, seconds: (after.at - before.at) / 1000, statements: await statements.read() };
  };

  const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000)));
  const idleRate = { next: idle.nextCpu / idle.seconds, store: idle.storeCpu / idle.seconds, statements: idle.statements.total / idle.seconds };

  const run = async (name: string, clients: readonly PacedRequest[], classify: (status: number, body: string) => string) => {
    const measured = await measure(() => pacedLoad(controlPlane.url, clients, { seconds: SECONDS, classify }));
    const outcome = measured.result;
    const answered = Object.values(outcome.answered).reduce((sum, n) => sum + n, 0);
    const perRequestMs = (busy: number, idlePerSecond: number) => round(((busy - idlePerSecond * measured.seconds) / answered) * 1000, 2);
    const latency = summarize(outcome.latenciesMs);
    return {
      name,
      clients: clients.length,
      answers: outcome.answered,
      answeredPerSecond: round(answered / measured.seconds),
      skippedTicks: outcome.skipped,
      errors: outcome.errors,
      latencyMs: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), max: round(latency.max) },
      controlPlaneCpuMsPerRequest: perRequestMs(measured.nextCpu, idleRate.next),
      controlPlaneCoresBusy: round(measured.nextCpu / measured.seconds, 2),
      storeCpuMsPerRequest: perRequestMs(measured.storeCpu, idleRate.store),
      statementsPerRequest: round((measured.statements.total - idleRate.statements * measured.seconds) / answered, 2),
      topStatements: measured.statements.top.slice(0, 5),
    };
  };

  // Each fleet's renewals, and the framework alone at the same rate: the same route answering 401 before any SQL.
  const results = [];
  const times = (n: number, request: PacedRequest) => Array.from({ length: n }, () => request);
  for (const fleet of FLEETS) {
    results.push(await run(`POST /api/v1/agents/lease without a token (401 before any SQL), ${fleet}/s`, times(fleet, { method: "POST", path: "/api/v1/agents/lease", body: RENEWAL }), (status) => `status ${status}`));
    results.push(await run(`lease renewal, ${fleet} primaries each once a second`, renewals.slice(0, fleet), classifyLease));
  }
  const busiest = Math.max(...FLEETS);
  results.push(await run(`GET /api/health (one statement), ${busiest}/s`, times(busiest, { method: "GET", path: "/api/health" }), (status) => `status ${status}`));

  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
        parameters: { fleets: FLEETS, replicasPerService: REPLICAS, seconds: SECONDS, backgroundJobs: JOBS ? "on" : "off (SWITCHYARD_JOBS=off)", directLane: DIRECT_LANE ? "on" : "off (SWITCHYARD_DIRECT_LANE=off)" },
        seedingSeconds,
        idleBaseline: {
          seconds: round(idle.seconds),
          controlPlaneCores: round(idleRate.next, 3),
          storeCores: round(idleRate.store, 3),
          statementsPerSecond: round(idleRate.statements, 1),
          note: "subtracted from every run below, pro rata of its duration",
        },
        runs: results,
        goal: "lease renewal: <= 2 statements and <= 2 ms of control-plane CPU each",
      },
      null,
      2,
    ),
  );
} finally {
  await sql.end();
  await db.$disconnect();
  await controlPlane.stop();
}
