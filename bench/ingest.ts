/**
 * Ingest benchmark against a real control plane (production build, embedded
 * PostgreSQL), in one of two shapes:
 *
 * - as fast as it acknowledges: N registered agents post batches of simulated
 *   reports, `--concurrency` requests in flight, for a fixed time; reports
 *   sustained reports/s and each batch's acknowledgement latency.
 *
 *     npm run bench:ingest -- --agents 200 --batch 5 --concurrency 16 --seconds 60
 *
 * - as a fleet does (`--interval`): each of N agents observes one report every
 *   interval (at its own phase) and posts what it holds whenever it has no
 *   request in flight, as the agent's delivery does, so a slow control plane
 *   shows as bigger batches and older reports rather than as a lower rate;
 *   reports how fresh the reports are when stored (receivedAt − observedAt,
 *   one clock) and whether the fleet kept up.
 *
 *     npm run bench:ingest -- --agents 2000 --interval 1 --seconds 60
 *
 *   Each agent sends its batches on a report stream (`--transport stream`,
 *   the default: the agent's own client, agents/report-stream.ts, one
 *   long-lived connection per agent, group-committed by the control plane) or
 *   one POST each (`--transport post`, as agents did before).
 *
 * Both prove none was lost or stored twice by counting the store afterwards.
 *
 * What it costs, which a shared machine does not distort as it does latency:
 * the copy's and the store's CPU (from /proc) per 1,000 reports stored after
 * the warm-up, and per stream opened (the warm-up's CPU beyond its reports at
 * that cost). `--jobs off` leaves the copy's loops to no one, so its CPU is
 * its ingest alone; `--statements` adds the store's time by statement;
 * `--cpu-prof DIR` writes the copy's V8 profile when it stops.
 *
 *     npm run bench:ingest -- --agents 1000 --interval 1 --seconds 40 --jobs off
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { simulatedReport } from "@/agents/adapters/simulated-adapter";
import { createHttpClient, type HttpClient } from "@/agents/http-post";
import { createReportStreamClient } from "@/agents/report-stream";
import { AGENT_TOKEN_PREFIX } from "@/server/agents/agent-token";
import { createDb } from "@/server/db/client";
import { newTokenSecret } from "@/server/token-secret";
import { BENCH_FLEET_SERVICE, createOneServiceFleet } from "./support/one-service-fleet";
import { adminToken, startControlPlane } from "./support/control-plane";
import { controlPlanePid, cpuSeconds, treeCpuSeconds } from "./support/process-cpu";
import { StatementStats, storeWithStatementStats } from "./support/statement-stats";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "200" },
    batch: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
    seconds: { type: "string", default: "60" },
    interval: { type: "string" },
    transport: { type: "string", default: "stream" },
    "warm-up": { type: "string", default: "10" },
    idle: { type: "string", default: "5" },
    "cpu-prof": { type: "string" },
    statements: { type: "boolean", default: false },
    jobs: { type: "string", default: "on" },
  },
});
const AGENTS = Number(values.agents);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const INTERVAL_MS = values.interval === undefined ? null : Number(values.interval) * 1000;
const TRANSPORT = values.transport;
/** Reports observed in the first seconds of a fleet run (every stream opening) are measured apart from the steady state after them. */
const WARM_UP_SECONDS = Number(values["warm-up"]);
/** Seconds the copy is watched with the fleet written but silent: what its own loops cost, apart from ingest. */
const IDLE_SECONDS = Number(values.idle);
/** A folder for the copy's V8 CPU profiles (`node --cpu-prof`), written when it stops: where a report's CPU goes. */
const CPU_PROFILE_DIR = values["cpu-prof"];
/** Loads pg_stat_statements into the store and reports where its time went, by statement: what a report costs the store. */
const STATEMENTS = values.statements;
/** `--jobs off`: the copy takes no lease (decider, alerts, upkeep), as a copy beside the one that holds them: its CPU is then its ingest alone. */
const JOBS = values.jobs !== "off";
if (TRANSPORT !== "stream" && TRANSPORT !== "post") throw new Error(`--transport: ${TRANSPORT} is neither stream nor post`);

const controlPlane = await startControlPlane({
  env: { ...(CPU_PROFILE_DIR ? { SWITCHYARD_CPU_PROF_DIR: path.resolve(CPU_PROFILE_DIR) } : {}), ...(JOBS ? {} : { SWITCHYARD_JOBS: "off" }) },
  ...(STATEMENTS ? { prepareDataDir: storeWithStatementStats } : {}),
});
const db = createDb(controlPlane.databaseUrl, 2);
const statementPool = STATEMENTS ? new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 1 }) : null;
try {
  // The copy's own counts (its group statements, the streams it opened) are read from /api/v1/metrics, which takes the `metrics` scope.
  const token = await adminToken(controlPlane.url, ["admin", "metrics"]);

  await createOneServiceFleet(db, AGENTS);
  const replicas = await db.replica.findMany({ where: { serviceId: BENCH_FLEET_SERVICE }, orderBy: { name: "asc" } });
  // Agents written straight into the store with tokens of their own, as registration writes them (without its
  // audit event each): what is measured is reports; registering 2,000 through the API takes minutes here.
  const issued = replicas.map((replica, index) => ({ replica, index, token: newTokenSecret(AGENT_TOKEN_PREFIX) }));
  await db.agent.createMany({ data: issued.map(({ replica, index, token }) => ({ name: `bench-agent-${index}`, replicaId: replica.id, tokenHash: token.hash, tokenPrefix: token.prefix })) });
  const ids = new Map((await db.agent.findMany({ where: { name: { startsWith: "bench-agent-" } }, select: { id: true, name: true } })).map((row) => [row.name, row.id]));
  const agents = issued.map(({ index, token }) => ({ id: ids.get(`bench-agent-${index}`)!, token: token.secret, seq: 0, index }));

  // CPU each side spends while the fleet reports: on a shared machine, what a report costs says more than how long it waited for a core.
  const copyPid = controlPlanePid(controlPlane.dataDir);
  const storePid = Number(readFileSync(path.join(controlPlane.dataDir, "store", "pgdata", "postmaster.pid"), "utf8").split("\n")[0]);
  const statementStats = statementPool ? new StatementStats(statementPool) : null;
  await statementStats?.install();
  const cpuNow = () => ({ copy: cpuSeconds(copyPid), store: treeCpuSeconds(storePid), at: performance.now() });
  const cpuIdle = cpuNow();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const loadAverageBefore = os.loadavg().map((value) => round(value, 2));
  await statementStats?.reset();
  const cpuBefore = { ...cpuNow(), bench: process.cpuUsage() };
  const idleSeconds = (cpuBefore.at - cpuIdle.at) / 1000;
  const latencies: number[] = [];
  let accepted = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  // The split between the fleet's openings (the warm-up) and its steady state, by the copy's and the store's CPU at the end of the warm-up.
  let cpuAfterWarmUp: ReturnType<typeof cpuNow> | null = null;
  const warmUpEnd = setTimeout(() => void (cpuAfterWarmUp = cpuNow()), WARM_UP_SECONDS * 1000);

  // Each worker owns a disjoint share of the agents, so an agent's batches are
  // strictly sequential, as a real agent's are.
  async function worker(share: typeof agents): Promise<void> {
    for (let turn = 0; performance.now() < deadline; turn++) {
      const agent = share[turn % share.length]!;
      const now = new Date().toISOString();
      const reports = Array.from({ length: BATCH }, (_, i) => ({ ...simulatedReport(agent.index, agent.seq + i, "standby"), seq: agent.seq + i + 1, observedAt: now }));
      const t0 = performance.now();
      const response = await fetch(`${controlPlane.url}/api/v1/agents/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${agent.token}` },
        body: JSON.stringify({ sentAt: now, agentVersion: "bench", droppedReports: 0, reports }),
      });
      const answer = (await response.json()) as { accepted?: number };
      latencies.push(performance.now() - t0);
      if (response.status === 200) {
        accepted += answer.accepted ?? 0;
        agent.seq += BATCH;
      } else {
        failures++;
      }
    }
  }
  // Why a stream could not carry a batch (core/ingest/stream-fallback.ts rule ids), counted: each such batch went by POST or timed out.
  const streamFallbacks: Record<string, number> = {};
  // How long each agent's first batch waited for its answer: its stream's opening (token verification, accept) and its first group commit.
  const firstAnswers: number[] = [];
  // One agent as the real one delivers: a report observed every interval is queued, and the queue is
  // sent whole whenever nothing is in flight; the control plane's answer says what it holds.
  async function fleetAgent(agent: (typeof agents)[number]): Promise<void> {
    const plain = createHttpClient();
    const client: HttpClient =
      TRANSPORT === "stream" ? createReportStreamClient(plain, { intervalMs: INTERVAL_MS!, onRule: (rule) => void (streamFallbacks[rule.id] = (streamFallbacks[rule.id] ?? 0) + 1) }) : plain;
    const queue: ({ seq: number } & Record<string, unknown>)[] = [];
    let inFlight: Promise<void> | null = null;
    let answered = false;
    const deliver = async () => {
      const reports = queue.slice(0, 500);
      const t0 = performance.now();
      const body = JSON.stringify({ sentAt: new Date().toISOString(), agentVersion: "bench", droppedReports: 0, reports });
      const answer = await client.post(new URL(`${controlPlane.url}/api/v1/agents/reports`), body, { authorization: `Bearer ${agent.token}` }, 10_000).catch(() => null);
      latencies.push(performance.now() - t0);
      if (firstAnswers.length < AGENTS && !answered) firstAnswers.push(performance.now() - t0);
      answered = true;
      const parsed = answer ? (JSON.parse(answer.body) as { accepted?: number; lastSeq?: number }) : {};
      if (answer?.status === 200) accepted += parsed.accepted ?? 0;
      else failures++;
      // Stored (200) or already stored (409): the queue drops what the control plane holds, as the agent's does.
      const held = answer?.status === 200 || answer?.status === 409 ? (parsed.lastSeq ?? 0) : 0;
      while (queue.length > 0 && queue[0]!.seq <= held) queue.shift();
      if (!answer || (answer.status !== 200 && answer.status !== 409)) await new Promise((resolve) => setTimeout(resolve, 1000));
    };
    const phase = Math.random() * INTERVAL_MS!;
    await new Promise((resolve) => setTimeout(resolve, phase));
    for (let tick = 0; performance.now() < deadline; tick++) {
      agent.seq += 1;
      queue.push({ ...simulatedReport(agent.index, agent.seq, "standby"), seq: agent.seq, observedAt: new Date().toISOString() });
      if (!inFlight) {
        inFlight = (async () => {
          while (queue.length > 0) await deliver();
          inFlight = null;
        })();
      }
      await new Promise((resolve) => setTimeout(resolve, started + phase + (tick + 1) * INTERVAL_MS! - performance.now()));
    }
    while (inFlight) await inFlight;
    client.close();
  }

  if (INTERVAL_MS === null) await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(agents.filter((_, i) => i % CONCURRENCY === w))));
  else await Promise.all(agents.map(fleetAgent));
  clearTimeout(warmUpEnd);
  const cpuEnd = cpuNow();
  const statements = await statementStats?.byTime();
  const elapsed = (performance.now() - started) / 1000;
  const cpu = {
    copy: cpuSeconds(copyPid) - cpuBefore.copy,
    store: treeCpuSeconds(storePid) - cpuBefore.store,
    bench: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpuBefore.bench)),
  };
  // The copy's own count of its group-commit statements (server/ingest/ingest-metrics.ts).
  const metricsText = await fetch(`${controlPlane.url}/api/v1/metrics`, { headers: { authorization: `Bearer ${token}` } }).then(async (response) => {
    if (!response.ok) throw new Error(`GET /api/v1/metrics answered ${response.status}: ${await response.text()}`);
    return response.text();
  });
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metricsText)?.[1] ?? 0);
  const groupStatements = metric("switchyard_ingest_group_batches_count");
  const openings = Number(/^switchyard_ingest_stream_openings_total\{outcome="opened"\} (\S+)$/m.exec(metricsText)?.[1] ?? 0);

  const sent = agents.reduce((sum, agent) => sum + agent.seq, 0);
  const [{ count, distinct }] = await db.$queryRaw<{ count: bigint; distinct: bigint }[]>`
    SELECT count(*) AS count, count(DISTINCT (s."agentId", s.seq)) AS distinct FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" WHERE a.name LIKE 'bench-agent-%'`.then((rows) => rows as [{ count: bigint; distinct: bigint }]);
  const lastSeqs = await db.agent.findMany({ where: { name: { startsWith: "bench-agent-" } }, select: { id: true, lastSeq: true } });
  const seqMismatches = lastSeqs.filter((row) => Number(row.lastSeq) !== agents.find((agent) => agent.id === row.id)!.seq).length;
  const latency = summarize(latencies);
  const [age] = await db.$queryRaw<{ p50: number; p99: number; max: number }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
      FROM (SELECT extract(epoch FROM s."receivedAt" - s."observedAt") * 1000 AS ms FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" WHERE a.name LIKE 'bench-agent-%') ages`;
  const steadyFrom = new Date(Date.now() - (performance.now() - started) + WARM_UP_SECONDS * 1000);
  const [steadyAge] = await db.$queryRaw<{ p50: number; p99: number; max: number; reports: bigint }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max, count(*) AS reports
      FROM (SELECT extract(epoch FROM s."receivedAt" - s."observedAt") * 1000 AS ms FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId"
             WHERE a.name LIKE 'bench-agent-%' AND s."observedAt" >= ${steadyFrom}) ages`;
  const firstAnswer = summarize(firstAnswers);
  // Reports by when the copy stored them (its group statement's clock), either side of the warm-up's end.
  const warmUpEndedAt = cpuAfterWarmUp === null ? null : new Date(Date.now() - (performance.now() - (cpuAfterWarmUp as ReturnType<typeof cpuNow>).at));
  const [storedSplit] = warmUpEndedAt
    ? await db.$queryRaw<{ before: bigint; after: bigint }[]>`
        SELECT count(*) FILTER (WHERE s."receivedAt" < ${warmUpEndedAt}) AS before, count(*) FILTER (WHERE s."receivedAt" >= ${warmUpEndedAt}) AS after
          FROM "Sample" s JOIN "Agent" a ON a.id = s."agentId" WHERE a.name LIKE 'bench-agent-%'`
    : [null];
  const idleCores = { copy: (cpuBefore.copy - cpuIdle.copy) / idleSeconds, store: (cpuBefore.store - cpuIdle.store) / idleSeconds };
  const split = (() => {
    if (!cpuAfterWarmUp || !storedSplit) return null;
    const warm = cpuAfterWarmUp as ReturnType<typeof cpuNow>;
    const steadyReports = Math.max(1, Number(storedSplit.after));
    // Everything the copy and the store spent while the fleet was open and reporting, their own loops' share included (the loops read the whole fleet whether it reports or not: idleCores).
    const steady = { copy: (cpuEnd.copy - warm.copy) / steadyReports, store: (cpuEnd.store - warm.store) / steadyReports };
    // What the warm-up cost beyond its reports at the steady cost, per stream opened: an opening's cost, its TCP connection and token check included.
    const perOpening = (side: "copy" | "store") => (warm[side] - cpuBefore[side] - steady[side] * Number(storedSplit.before)) / Math.max(1, openings);
    return {
      cpuMsPer1000ReportsSteady: { copy: round(steady.copy * 1e6, 1), store: round(steady.store * 1e6, 1) },
      cpuMsPerOpening: { openings, copy: round(perOpening("copy") * 1000, 2), store: round(perOpening("store") * 1000, 2) },
    };
  })();

  const result = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    parameters: INTERVAL_MS === null ? { agents: AGENTS, reportsPerBatch: BATCH, concurrentRequests: CONCURRENCY, seconds: SECONDS } : { agents: AGENTS, intervalSeconds: INTERVAL_MS / 1000, seconds: SECONDS, transport: TRANSPORT, jobs: JOBS },
    loadAverageBefore,
    loadAverage: os.loadavg().map((value) => round(value, 2)),
    reportsPerSecond: round(accepted / elapsed),
    groupStatements,
    cpuCoresUsed: { copy: round(cpu.copy / elapsed, 2), store: round(cpu.store / elapsed, 2), loadGenerator: round(cpu.bench / elapsed, 2) },
    cpuMsPer1000Reports: { copy: round((cpu.copy * 1e6) / Math.max(1, Number(count))), store: round((cpu.store * 1e6) / Math.max(1, Number(count))) },
    idleCores: { seconds: round(idleSeconds, 1), copy: round(idleCores.copy, 3), store: round(idleCores.store, 3) },
    ...(split ?? {}),
    ...(statements ? { storeStatementsByTime: statements } : {}),
    batchesPerSecond: round(latencies.length / elapsed),
    ackLatencyMs: { p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), max: round(latency.max) },
    reportAgeWhenStoredMs: { p50: round(Number(age?.p50)), p99: round(Number(age?.p99)), max: round(Number(age?.max)) },
    ...(INTERVAL_MS === null
      ? {}
      : {
          reportAgeAfterWarmUpMs: { warmUpSeconds: WARM_UP_SECONDS, reports: Number(steadyAge?.reports ?? 0), p50: round(Number(steadyAge?.p50)), p99: round(Number(steadyAge?.p99)), max: round(Number(steadyAge?.max)) },
          firstAnswerMs: { p50: round(firstAnswer.p50), p99: round(firstAnswer.p99), max: round(firstAnswer.max) },
        }),
    ...(INTERVAL_MS === null ? {} : { reportsExpected: round((AGENTS * SECONDS * 1000) / INTERVAL_MS, 0) }),
    accepted,
    acknowledgedBySeq: sent,
    storedInStore: Number(count),
    lost: sent - Number(distinct),
    storedTwice: Number(count) - Number(distinct),
    ...(INTERVAL_MS !== null && TRANSPORT === "stream" ? { streamFallbacks } : {}),
    failedBatches: failures,
    agentsWhoseLastSeqDisagrees: seqMismatches,
  };
  console.log(JSON.stringify(result, null, 2));
  // As a fleet, a batch stored just before its stream broke is answered 409 when sent again: not accepted twice, and not lost.
  if (result.lost !== 0 || result.storedTwice !== 0 || seqMismatches !== 0 || (INTERVAL_MS === null && accepted !== Number(count))) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await statementPool?.end();
  await controlPlane.stop();
}
