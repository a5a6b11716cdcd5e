/**
 * Automatic failover, end to end, on the real lab with the workload writing:
 * one product, N times "SIGKILL the primary's PostgreSQL" and let the
 * automation fail over to the synchronous standby; between repetitions an
 * operator reinstates the killed replica (which names it synchronous again)
 * and acknowledges the failover so the cooldown does not hold the next one.
 * Reports the distribution of kill → new primary writable (asked directly,
 * every 50 ms), kill → write route switched, kill → run finished, the
 * acknowledged writes lost, and samples with two writable primaries.
 *
 * With `--fleet N`, the lab's service is one among N more: simulated
 * services of three replicas whose agents are registered, and report once,
 * through the API, and whose states, witness links and primaries' leases are
 * then kept fresh each second, so the decider and the alert evaluator work
 * through a fleet of that size at every pass while the failover happens.
 *
 * With `--policy fast`, the service's policy is first changed, through a
 * change request and two approvals, to the tighter detection and lease of
 * FAST_FAILOVER_HEARTBEAT (README, "Never two writable primaries").
 *
 * With `--freezes 2.5,3,3.5`, before the kills: for each length, shortest
 * first, three freezes of the primary's PostgreSQL (SIGSTOP, 2 s apart),
 * and whether that failed over; the longest that did not is the freeze
 * tolerance. A length that fails over ends the ladder (the primary is
 * reinstated for the kills).
 *
 * With `--service sessions-db`, the same for the lab's MariaDB service
 * (beside orders-db): SIGKILL of the primary's mariadbd, failover to its
 * semi-synchronous replica; before each reinstate the killed mariadbd is
 * started again, read-only, as a service manager would.
 *
 *   npm run bench:failover -- --runs 5 [--service orders-db|sessions-db] [--fleet 1000] [--policy demo|fast] [--freezes 2.5,3,3.5]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { splitBrains } from "@/test/support/writable-sampler";
import { api, until } from "./support/api";
import { adminToken, startControlPlane } from "./support/control-plane";
import { FAST_FAILOVER_HEARTBEAT } from "./support/fast-failover-policy";
import { FAILOVER_SERVICES } from "./support/failover-service";
import { applyPolicyChange, untilAgentsReportEvery } from "./support/governed-policy";
import { seedTopology } from "./support/dashboard-fleet";
import { enrollAndReport, grantPrimaryLeases, keepFresh } from "./support/simulated-fleet";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, service: { type: "string", default: "orders-db" }, fleet: { type: "string", default: "0" }, policy: { type: "string", default: "demo" }, freezes: { type: "string", default: "" } },
});
/** Freeze lengths to try, in seconds, shortest first (`--freezes 2.5,3,3.5`): each is three freezes of the primary, 2 s apart. */
const FREEZES = values.freezes ? values.freezes.split(",").map(Number).sort((a, b) => a - b) : [];
if (FREEZES.some((seconds) => !(seconds > 0))) throw new Error(`--freezes: positive seconds, comma-separated, not ${values.freezes}`);
const RUNS = Number(values.runs);
const FLEET = Number(values.fleet);
if (values.policy !== "demo" && values.policy !== "fast") throw new Error(`--policy: demo or fast, not ${values.policy}`);
const SERVICE = FAILOVER_SERVICES[values.service];
if (!SERVICE) throw new Error(`--service: ${Object.keys(FAILOVER_SERVICES).join(" or ")}, not ${values.service}`);
const [FIRST, SECOND] = SERVICE.replicas;
const otherOf = (replica: string) => (replica === FIRST ? SECOND : FIRST);
const OPERATOR = { email: "bench-oncall@switchyard.local", password: "bench-oncall-password" };


/** An operator reinstates the lost primary (it becomes a synchronous standby again) and acknowledges the failover, so the cooldown does not hold the next one. */
async function reinstateAndAcknowledge(url: string, operator: string, primary: string): Promise<void> {
  await SERVICE!.restart(product.dataDir, primary);
  const reinstate = await api(url, "POST", "/api/v1/runbooks/reinstate-former-primary/runs", operator, {
    params: { service: SERVICE!.id, region: SERVICE!.regionOf(primary), reason: "benchmark: reinstate the killed primary" },
  });
  await until("the reinstate confirmation", () => api(url, "GET", `/api/v1/runs/${reinstate.id}`, operator), (r) => r.steps.find((s: any) => s.stepId === "confirm")?.state === "waiting", 60_000, 250);
  await api(url, "POST", `/api/v1/runs/${reinstate.id}/steps/confirm/confirm`, operator, { note: "benchmark" });
  const reinstated = await until("the reinstate run", () => api(url, "GET", `/api/v1/runs/${reinstate.id}`, operator), (r) => ["succeeded", "failed", "aborted"].includes(r.status), 300_000, 500);
  if (reinstated.status !== "succeeded") throw new Error(`reinstate ${reinstated.status}: ${reinstated.error}`);
  await api(url, "POST", `/api/v1/services/${SERVICE!.id}/automation/acknowledge`, operator, { note: "benchmark: checked, next repetition" });
}

/** How often the replica's lab agent fenced its server since `since`, by its log (scripts/lab-stack.ts writes it). */
function selfFencesSince(dataDir: string, replica: string, since: number): number {
  return readFileSync(SERVICE!.agentLog(dataDir, replica), "utf8")
    .split("\n")
    .filter((line) => line.includes('"event":"primary_lease.self_fenced"'))
    .filter((line) => Date.parse((JSON.parse(line) as { time: string }).time) >= since).length;
}

const freezeResults: { seconds: number; failedOver: boolean; selfFences: number }[] = [];
const product = await startControlPlane({ lab: true, env: { LAB_SERVICES: SERVICE.labServices } });
const results: { writableMs: number; routedMs: number; finishedMs: number; createdMs: number; lost: number; splitBrainSamples: number; samples: number }[] = [];
const sql = new pg.Pool({ connectionString: product.databaseUrl, max: 2 });
const db = createDb(product.databaseUrl, 4);
let fresh: ReturnType<typeof keepFresh> | undefined;
try {
  const admin = await adminToken(product.url);
  if (values.policy === "fast") {
    await applyPolicyChange(product, admin, SERVICE.id, (document) => (document.heartbeat = FAST_FAILOVER_HEARTBEAT), "benchmark: the tighter detection window and lease");
    await untilAgentsReportEvery(product, SERVICE.id, FAST_FAILOVER_HEARTBEAT.intervalSeconds);
    console.error(`${SERVICE.id}'s policy: heartbeat ${JSON.stringify(FAST_FAILOVER_HEARTBEAT)}, and its agents report at that interval`);
  }
  if (FLEET > 0) {
    const replicas = await seedTopology(db, FLEET, 3);
    await enrollAndReport(product.url, admin, replicas);
    await grantPrimaryLeases(sql);
    fresh = keepFresh(sql, { leases: true });
    console.error(`a simulated fleet of ${FLEET} services (${replicas.length} replicas) beside the lab's orders-db`);
  }
  await api(product.url, "POST", "/api/v1/users", admin, { ...OPERATOR, roles: ["operator"] });
  const issued = await fetch(`${product.url}/api/v1/auth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...OPERATOR, name: "bench", scopes: ["operate"] }) });
  const operator = ((await issued.json()) as { token: string }).token;
  for (const seconds of FREEZES) {
    const route = await api(product.url, "GET", `/api/v1/services/${SERVICE.id}/route`, operator);
    await until("a healthy topology", () => api(product.url, "GET", `/api/v1/services/${SERVICE.id}`, operator), (service) => service.replicas.every((replica: any) => replica.live.health === "healthy"));
    const newestBefore = (await api(product.url, "GET", `/api/v1/runs?serviceId=${SERVICE.id}&limit=1`, operator)).runs[0]?.id ?? null;
    const ladderStartedAt = Date.now();
    for (let freeze = 0; freeze < 3; freeze++) {
      await SERVICE.freeze(product.dataDir, route.writeReplica, seconds);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    // Longer than any window this benchmark sets: a failover the freezes caused has started by then.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const after = await api(product.url, "GET", `/api/v1/services/${SERVICE.id}/route`, operator);
    const runs = await api(product.url, "GET", `/api/v1/runs?serviceId=${SERVICE.id}&limit=1`, operator);
    const newest = runs.runs[0];
    const failedOver = after.epoch !== route.epoch || (newest !== undefined && newest.id !== newestBefore && newest.runbookId === "unplanned-failover");
    // A freeze longer than about the lease less one heartbeat leaves the lease lapsed at the thaw: the agent fences, and the next grant undoes it.
    const selfFences = selfFencesSince(product.dataDir, route.writeReplica, ladderStartedAt);
    freezeResults.push({ seconds, failedOver, selfFences });
    console.error(`three ${seconds} s freezes of ${route.writeReplica}: ${failedOver ? "failed over" : "no failover"}; the primary's agent fenced it ${selfFences} times at a thaw (each undone at its next grant)`);
    if (!failedOver) continue;
    const ended = await until("the failover run to finish", () => api(product.url, "GET", `/api/v1/runs/${newest.id}`, operator), (r) => ["succeeded", "failed", "aborted"].includes(r.status));
    console.error(`the failover run ${ended.status}${ended.error ? `: ${ended.error}` : ""}`);
    // A run that ended before promoting (the primary answered again) left the route where it was: nothing to reinstate.
    if ((await api(product.url, "GET", `/api/v1/services/${SERVICE.id}/route`, operator)).writeReplica !== route.writeReplica) await reinstateAndAcknowledge(product.url, operator, route.writeReplica);
    break;
  }
  for (let repetition = 0; repetition < RUNS; repetition++) {
    const route = await api(product.url, "GET", `/api/v1/services/${SERVICE.id}/route`, operator);
    const primary = route.writeReplica as string;
    const standby = otherOf(primary);
    await until("a healthy topology with a synchronous standby", () => api(product.url, "GET", `/api/v1/services/${SERVICE.id}`, operator), (service) =>
      service.replicas.every((replica: any) => replica.live.health === "healthy") && service.replicas.some((replica: any) => replica.name === standby && replica.live.syncState === "sync"),
    );
    const before = (await SERVICE.ledger(product.dataDir, standby)).acknowledged;
    await until("the workload writing", () => SERVICE.ledger(product.dataDir, standby), (check) => check.acknowledged > before + 100, 60_000, 500);

    const sampler = await SERVICE.sampleWritable(product.dataDir, 100);
    const killedAt = Date.now();
    await SERVICE.kill(product.dataDir, primary);
    await until(`${standby} writable`, () => SERVICE.takesWrites(product.dataDir, standby), Boolean, 120_000, 50);
    const writableMs = Date.now() - killedAt;
    await until("the write route to move", () => api(product.url, "GET", `/api/v1/services/${SERVICE.id}/route`, operator), (now) => now.writeReplica === standby, 120_000, 50);
    const routedMs = Date.now() - killedAt;
    const runs = await api(product.url, "GET", `/api/v1/runs?serviceId=${SERVICE.id}&limit=1`, operator);
    const run = await until("the automatic run to finish", () => api(product.url, "GET", `/api/v1/runs/${runs.runs[0].id}`, operator), (r) => ["succeeded", "failed", "aborted"].includes(r.status));
    if (run.status !== "succeeded" || run.mode !== "automatic") throw new Error(`run ${run.id} (${run.mode}) ${run.status}: ${run.error}`);
    const finishedMs = Date.parse(run.finishedAt) - killedAt;
    const createdMs = Date.parse(run.createdAt) - killedAt;
    const steps = (run.steps as { stepId: string; phase: string; finishedAt: string | null }[])
      .filter((step) => step.phase === "forward" && step.finishedAt)
      .map((step) => `${step.stepId} ${((Date.parse(step.finishedAt!) - killedAt) / 1000).toFixed(2)}`);
    console.error(`run ${repetition + 1}: created ${(createdMs / 1000).toFixed(2)} s after the kill; steps finished at: ${steps.join(", ")}`);
    const after = (await SERVICE.ledger(product.dataDir, standby)).acknowledged;
    await until("the workload writing to the new primary", () => SERVICE.ledger(product.dataDir, standby), (check) => check.acknowledged > after + 50, 60_000, 500);
    const samples = await sampler.stop();
    const ledger = await SERVICE.ledger(product.dataDir, standby);
    results.push({ writableMs, routedMs, finishedMs, createdMs, lost: ledger.lost, splitBrainSamples: splitBrains(samples).length, samples: samples.length });
    console.error(`run ${repetition + 1}: ${primary} → ${standby}: writable after ${writableMs} ms, routed after ${routedMs} ms, ${ledger.lost} lost of ${ledger.acknowledged}`);

    await reinstateAndAcknowledge(product.url, operator, primary);
  }
} finally {
  await fresh?.stop();
  await sql.end();
  await db.$disconnect();
  await product.stop();
}

const summary = (values: number[]) => {
  const s = summarize(values);
  return { p50: round(s.p50 / 1000, 2), p95: round(s.p95 / 1000, 2), max: round(s.max / 1000, 2), min: round(Math.min(...values) / 1000, 2) };
};
console.log(
  JSON.stringify(
    {
      service: SERVICE.id,
      runs: RUNS,
      policy: values.policy === "fast" ? { heartbeat: FAST_FAILOVER_HEARTBEAT } : "demo",
      simulatedServicesBeside: FLEET,
      killToNewPrimaryWritableSeconds: summary(results.map((result) => result.writableMs)),
      killToRouteSwitchedSeconds: summary(results.map((result) => result.routedMs)),
      killToRunCreatedSeconds: summary(results.map((result) => result.createdMs)),
      killToRunFinishedSeconds: summary(results.map((result) => result.finishedMs)),
      acknowledgedWritesLost: results.map((result) => result.lost),
      samplesWithTwoWritablePrimaries: results.map((result) => `${result.splitBrainSamples} of ${result.samples}`),
      threeFreezesOfThePrimary: freezeResults.map(({ seconds, failedOver, selfFences }) => `${seconds} s: ${failedOver ? "failed over" : "no failover"}, ${selfFences} self-fences at a thaw`),
      freezeToleranceSeconds: FREEZES.length ? Math.max(0, ...freezeResults.filter((result) => !result.failedOver).map((result) => result.seconds)) : null,
    },
    null,
    2,
  ),
);
if (results.some((result) => result.lost > 0 || result.splitBrainSamples > 0)) process.exitCode = 1;
