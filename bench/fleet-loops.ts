/**
 * The control plane's loops at fleet scale: a production control plane on a
 * fresh store (lab off) with a simulated fleet of `--services` services ×
 * `--replicas` replicas whose agents are registered, and report once,
 * through the API; every latest state, witness link, agent heartbeat and
 * primary lease is then kept fresh each second, as a reporting fleet keeps
 * them. Measures, for `--seconds`:
 *
 * - every pass of the product's decider and alert evaluator (from what each
 *   writes to its LoopProgress row after every complete pass, polled every
 *   50 ms), and the control plane's CPU (/proc of the Next.js server);
 * - the SQL statements of one decider pass and of one alert evaluation,
 *   counted in this process running the same code on the same store;
 * - a mass change: every agent goes quiet at once, then comes back; how long
 *   until every alert has fired and then resolved, each audited once.
 *
 * `--cpu-profile <file>` writes a CPU profile of the in-process decider
 * passes (open it in Chrome's DevTools) to see where a pass's time goes;
 * `--no-mass-change` leaves the mass change out; `--copies 3` runs two more
 * control-plane copies on the same store (as the application role, as a
 * second copy is deployed), all competing for the loops' leases, and says
 * which copy held each.
 *
 *   npm run bench:loops -- --services 1000 --replicas 3 --seconds 30 [--copies 3]
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { adminToken, anotherCopyEnv, startControlPlane } from "./support/control-plane";
import { seedTopology } from "./support/dashboard-fleet";
import { controlPlanePid, cpuWhile } from "./support/process-cpu";
import { enrollAndReport, grantPrimaryLeases, keepFresh } from "./support/simulated-fleet";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "1000" },
    replicas: { type: "string", default: "3" },
    seconds: { type: "string", default: "30" },
    "no-mass-change": { type: "boolean", default: false },
    "cpu-profile": { type: "string" },
    copies: { type: "string", default: "1" },
  },
});
const SERVICES = Number(values.services);
const REPLICAS = Number(values.replicas);
const SECONDS = Number(values.seconds);
const COPIES = Number(values.copies);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (since: number) => round((performance.now() - since) / 1000);

interface Pass {
  loop: string;
  at: number;
  ms: number;
}

/** Every complete pass of the product's loops while `work` runs: each writes when it ended and how long it took. */
async function passesWhile<T>(sql: pg.Pool, work: () => Promise<T>): Promise<{ result: T; passes: Pass[] }> {
  const passes: Pass[] = [];
  const seen = new Map<string, number>();
  let done = false;
  const poller = (async () => {
    while (!done) {
      const { rows } = await sql.query<{ name: string; lastPassAt: Date | null; lastPassMs: number | null }>(`SELECT name, "lastPassAt", "lastPassMs" FROM "LoopProgress"`);
      for (const row of rows) {
        if (!row.lastPassAt || row.lastPassMs === null) continue;
        const at = row.lastPassAt.getTime();
        if (seen.get(row.name) === at) continue;
        if (seen.has(row.name)) passes.push({ loop: row.name, at, ms: row.lastPassMs });
        seen.set(row.name, at);
      }
      await sleep(50);
    }
  })();
  const result = await work();
  done = true;
  await poller;
  return { result, passes };
}

function passFigures(passes: readonly Pass[], loop: string, windowSeconds: number) {
  const durations = passes.filter((pass) => pass.loop === loop).map((pass) => pass.ms);
  const stats = summarize(durations);
  return { passes: durations.length, passesPerSecond: round(durations.length / windowSeconds, 2), p50Ms: stats.p50, p95Ms: stats.p95, maxMs: stats.max };
}

/** SQL statements sent to PostgreSQL while `run` runs, through Prisma's driver and the pg pool alike. */
async function statements(run: () => Promise<unknown>): Promise<number> {
  const original = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
    return count;
  } finally {
    pg.Client.prototype.query = original;
  }
}

const controlPlane = await startControlPlane();
const otherCopies: Awaited<ReturnType<typeof startControlPlane>>[] = [];
// One after the other: each start checks the build, which they share.
for (let copy = 2; copy <= COPIES; copy++) otherCopies.push(await startControlPlane({ env: anotherCopyEnv(controlPlane) }));
const db = createDb(controlPlane.databaseUrl, 4);
const sql = new pg.Pool({ connectionString: controlPlane.databaseUrl, max: 2 });
let fresh: ReturnType<typeof keepFresh> | undefined;
try {
  const token = await adminToken(controlPlane.url);
  let started = performance.now();
  const replicas = await seedTopology(db, SERVICES, REPLICAS);
  const topologySeconds = seconds(started);
  started = performance.now();
  await enrollAndReport(controlPlane.url, token, replicas);
  const agentsSeconds = seconds(started);
  const leases = await grantPrimaryLeases(sql);
  fresh = keepFresh(sql, { leases: true });
  await sql.query(`ANALYZE`);
  // Let the first reports' alerts settle and the loops warm up.
  await sleep(15_000);

  const pid = controlPlanePid(controlPlane.dataDir);
  const steady = await cpuWhile(pid, () => passesWhile(sql, () => sleep(SECONDS * 1000)));
  const { rows: leaseHolders } = await sql.query<{ name: string; holder: string }>(`SELECT name, holder FROM "Lease" ORDER BY name`);

  process.env.DATABASE_URL = controlPlane.databaseUrl;
  const { decideOnce } = await import("@/server/automation/automation-loop");
  const { evaluateAlerts } = await import("@/server/alerts/evaluate-alerts");
  const { acquireLease } = await import("@/server/lease/lease");
  const benchLease = async (name: string) => ({ name, holder: "bench", token: (await acquireLease(name, "bench", 600_000)).token });
  const deciderLease = await benchLease("bench-decider");
  const alertingLease = await benchLease("bench-alerting");
  await decideOnce(deciderLease);
  const deciderStatements = await statements(() => decideOnce(deciderLease));
  const inProcess: number[] = [];
  const profiler = values["cpu-profile"] ? new Session() : null;
  profiler?.connect();
  await profiler?.post("Profiler.enable");
  await profiler?.post("Profiler.start");
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await decideOnce(deciderLease);
    inProcess.push(performance.now() - t0);
  }
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(values["cpu-profile"]!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const alertStatements = await statements(() => evaluateAlerts(alertingLease)).catch((error: Error) => `failed: ${error.message.split("\n").at(-1)}`);

  let massChange: Record<string, unknown> = { measured: false };
  if (!values["no-mass-change"]) {
    const counts = async () => {
      const { rows } = await sql.query<{ firing: string; pending: string; fired: string; resolved: string; auditFire: string; auditResolve: string }>(`
        SELECT count(*) FILTER (WHERE state = 'firing') AS firing, count(*) FILTER (WHERE state = 'pending') AS pending,
               count(*) FILTER (WHERE "firedAt" >= $1) AS fired, count(*) FILTER (WHERE "resolvedAt" >= $1 AND "firedAt" >= $1) AS resolved,
               (SELECT count(*) FROM "AuditEvent" WHERE action = 'alert.fire' AND at >= $1) AS "auditFire",
               (SELECT count(*) FROM "AuditEvent" WHERE action = 'alert.resolve' AND at >= $1) AS "auditResolve"
          FROM "Alert"`,
        [since],
      );
      return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)])) as Record<keyof (typeof rows)[number], number>;
    };
    const openByRule = async () => {
      const { rows } = await sql.query<{ ruleId: string; count: string }>(`SELECT "ruleId", count(*)::text AS count FROM "Alert" WHERE state <> 'resolved' GROUP BY "ruleId" ORDER BY "ruleId"`);
      return Object.fromEntries(rows.map((row) => [row.ruleId, Number(row.count)]));
    };
    const openBefore = await openByRule();
    const since = new Date();
    const before = await counts();
    // Every agent goes quiet at once (its last report 10 minutes old), then all come back.
    fresh.pause();
    await sql.query(`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '10 minutes', "observedAt" = now() - interval '10 minutes'`);
    await sql.query(`UPDATE "WitnessLink" SET "receivedAt" = now() - interval '10 minutes', "observedAt" = now() - interval '10 minutes'`);
    const quiet = performance.now();
    const fire = await passesWhile(sql, async () => {
      let last = await counts();
      // Fired when the count of firing alerts has stopped growing for 5 s (the policy's pending window included).
      for (let stable = 0; stable < 5 && performance.now() - quiet < 120_000; ) {
        await sleep(1000);
        const now = await counts();
        stable = now.firing === last.firing && now.pending === 0 && now.firing > before.firing ? stable + 1 : 0;
        last = now;
      }
      return { ...last, seconds: seconds(quiet) - 5 };
    });
    fresh.resume();
    const back = performance.now();
    const resolve = await passesWhile(sql, async () => {
      // Back to how it was: no alert open of a rule that had none open before (a simulated fleet has a few standing ones, which may pend again for their window).
      const settled = async () => Object.keys(await openByRule()).every((rule) => rule in openBefore);
      while (!(await settled()) && performance.now() - back < 120_000) await sleep(250);
      return { ...(await counts()), settled: await settled(), seconds: seconds(back) };
    });
    massChange = {
      openBefore,
      openAfter: await openByRule(),
      alertsFiring: fire.result.firing,
      firedWithinSeconds: fire.result.seconds,
      backToBeforeWithinSeconds: resolve.result.settled ? resolve.result.seconds : null,
      firedSinceQuiet: resolve.result.fired,
      resolvedOfThose: resolve.result.resolved,
      auditedFire: resolve.result.auditFire,
      auditedResolve: resolve.result.auditResolve,
      alertingPassesWhileFiring: passFigures(fire.passes, "alerting", fire.result.seconds + 5),
      alertingPassesWhileResolving: passFigures(resolve.passes, "alerting", Math.max(resolve.result.seconds, 1)),
      deciderPassesDuringChange: passFigures([...fire.passes, ...resolve.passes], "decider", fire.result.seconds + 5 + resolve.result.seconds),
    };
  }

  const inProcessStats = summarize(inProcess);
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
        parameters: { services: SERVICES, replicasPerService: REPLICAS, seconds: SECONDS, copies: COPIES },
        loadAverage: os.loadavg().map((value) => round(value, 2)),
        leaseHolders: Object.fromEntries(leaseHolders.map((lease) => [lease.name, lease.holder])),
        seeding: { topologySeconds, agentsAndFirstReportsSeconds: agentsSeconds, replicas: replicas.length, primaryLeases: leases },
        steadyState: {
          decider: passFigures(steady.result.passes, "decider", steady.seconds),
          alerting: passFigures(steady.result.passes, "alerting", steady.seconds),
          // Of the first copy's Next.js server; with --copies the others run their own loops' lease attempts too.
          firstCopyCores: round(steady.cores, 3),
          stateRefreshes: fresh.refreshes(),
        },
        statements: { deciderPass: deciderStatements, alertEvaluation: alertStatements },
        deciderPassInBenchProcess: { passes: inProcess.length, p50Ms: round(inProcessStats.p50), p95Ms: round(inProcessStats.p95), maxMs: round(inProcessStats.max) },
        massChange,
      },
      null,
      2,
    ),
  );
} catch (error) {
  console.error(error, (error as Error).stack);
  process.exitCode = 1;
} finally {
  // The same code as the product's, run in this process, holds connections of its own: closed before the store stops.
  const inProcess = globalThis as unknown as { switchyardSqlPool?: pg.Pool; switchyardDb?: { $disconnect(): Promise<void> } };
  await inProcess.switchyardSqlPool?.end();
  await inProcess.switchyardDb?.$disconnect();
  await fresh?.stop();
  await sql.end();
  await db.$disconnect();
  for (const copy of otherCopies) await copy.stop();
  await controlPlane.stop();
}
