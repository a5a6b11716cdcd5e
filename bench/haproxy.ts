/**
 * How long HAProxy's write port fails a client's writes during a planned
 * switchover and during an automatic failover, on the real lab with
 * Debian's HAProxy in front of it (npm start runs it when it is installed).
 * One product; a client that knows only the write port writes one row per
 * transaction, reconnecting at once on any error. Then N switchovers
 * (back and forth between aws:us-east-1 and aws:eu-west-1) and N failovers
 * (the primary's PostgreSQL SIGKILLed, the automation fails over; between
 * repetitions an operator reinstates the killed replica and acknowledges the
 * failover so the cooldown does not hold the next one).
 *
 * For each event: the longest time without an acknowledged write (last
 * acknowledgement before the first failure → first acknowledgement after),
 * and the time from the first failed write to the first acknowledged one
 * (what the client sees refused); acknowledged writes lost are counted on
 * the last primary at the end.
 *
 *   npm run bench:haproxy -- --runs 3
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { readHaproxyPorts } from "@/lab/haproxy";
import { portOf, requireLabState } from "@/lab/state";
import { findReplica, LAB_DATABASE, LAB_HOST, LAB_SUPERUSER } from "@/lab/topology";
import { killRegion } from "@/lab/faults";
import { WritePortClient } from "@/test/support/write-port-client";
import { api, until } from "./support/api";
import { adminToken, startControlPlane } from "./support/control-plane";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const OPERATOR = { email: "bench-oncall@switchyard.local", password: "bench-oncall-password" };
const TABLE = "through_haproxy";

interface EventResult {
  event: "switchover" | "failover";
  from: string;
  to: string;
  noAcknowledgedWriteMs: number;
  refusedMs: number;
  failedAttempts: number;
}

const product = await startControlPlane({ lab: true, env: { LAB_SERVICES: "orders-db" } });
const results: EventResult[] = [];
let lost = -1;
let acknowledged = 0;
try {
  const ports = await readHaproxyPorts(product.dataDir);
  if (!ports) throw new Error("npm start did not run HAProxy: install it (sudo apt-get install haproxy)");
  const admin = await adminToken(product.url);
  await api(product.url, "POST", "/api/v1/users", admin, { ...OPERATOR, roles: ["operator"] });
  const issued = await fetch(`${product.url}/api/v1/auth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...OPERATOR, name: "bench", scopes: ["operate"] }) });
  const operator = ((await issued.json()) as { token: string }).token;
  const route = () => api(product.url, "GET", "/api/v1/services/orders-db/route", operator) as Promise<{ writeReplica: string; epoch: number }>;
  const runOf = (id: string) => api(product.url, "GET", `/api/v1/runs/${id}`, operator);
  const finished = (run: any) => ["succeeded", "failed", "aborted"].includes(run.status);
  const healthyWithSyncStandby = () =>
    until("a healthy topology with a synchronous standby", () => api(product.url, "GET", "/api/v1/services/orders-db", operator), (service) =>
      service.replicas.every((replica: any) => replica.live.health === "healthy") && service.replicas.some((replica: any) => replica.live.syncState === "sync"),
    180_000, 500);

  const state = await requireLabState(product.dataDir);
  const replicaOfPort = (port: number) => Object.keys(state.replicas).find((name) => portOf(state, name) === port) ?? `port ${port}`;
  await healthyWithSyncStandby();
  const direct = new pg.Client({ host: LAB_HOST, port: portOf(state, (await route()).writeReplica), user: LAB_SUPERUSER, password: state.password, database: LAB_DATABASE });
  await direct.connect();
  await direct.query(WritePortClient.tableDefinition(TABLE));
  await direct.end();

  const client = new WritePortClient({ host: LAB_HOST, port: ports.write, database: LAB_DATABASE, user: LAB_SUPERUSER, password: state.password, table: TABLE });
  client.start();
  const writingOn = (replica: string) => {
    const before = client.acknowledged.length;
    return until(`writes through HAProxy on ${replica}`, async () => client.acknowledged.slice(before), (writes) => writes.filter((write) => replicaOfPort(write.serverPort) === replica).length > 50, 120_000, 100);
  };
  const measure = (event: EventResult["event"], from: string, to: string, since: number) => {
    const outages = client.outages().filter((outage) => outage.firstFailureAt >= since);
    const result: EventResult = {
      event,
      from,
      to,
      noAcknowledgedWriteMs: Math.max(0, ...outages.map((outage) => outage.firstAfter - outage.lastBefore)),
      refusedMs: Math.max(0, ...outages.map((outage) => outage.firstAfter - outage.firstFailureAt)),
      failedAttempts: outages.reduce((sum, outage) => sum + outage.failures, 0),
    };
    results.push(result);
    console.error(`${event} ${from} → ${to}: no acknowledged write for ${result.noAcknowledgedWriteMs} ms, refused for ${result.refusedMs} ms (${result.failedAttempts} failed attempts: ${outages.flatMap((outage) => outage.errors).slice(0, 3).join("; ")})`);
  };
  try {
    await writingOn((await route()).writeReplica);
    for (let repetition = 0; repetition < RUNS; repetition++) {
      const from = (await route()).writeReplica;
      const to = from === "pg-eu-west-1" ? "pg-us-east-1" : "pg-eu-west-1";
      await healthyWithSyncStandby();
      const run = await api(product.url, "POST", "/api/v1/runbooks/planned-switchover/runs", operator, { params: { service: "orders-db", to_region: findReplica(to).regionId, reason: "benchmark: HAProxy's write port" } });
      await until("the confirmation", () => runOf(run.id), (r) => finished(r) || r.steps.find((s: any) => s.stepId === "confirm")?.state === "waiting", 60_000, 250);
      const since = Date.now();
      await api(product.url, "POST", `/api/v1/runs/${run.id}/steps/confirm/confirm`, operator, { note: "benchmark" });
      const done = await until("the switchover", () => runOf(run.id), finished, 180_000, 250);
      if (done.status !== "succeeded") throw new Error(`switchover ${done.status}: ${done.error}`);
      await writingOn(to);
      measure("switchover", from, to, since);
    }
    for (let repetition = 0; repetition < RUNS; repetition++) {
      const before = await route();
      await healthyWithSyncStandby();
      const since = Date.now();
      await killRegion(product.dataDir, before.writeReplica);
      const after = await until("the automatic failover to move the route", route, (now) => now.epoch > before.epoch && now.writeReplica !== before.writeReplica, 120_000, 100);
      await writingOn(after.writeReplica);
      measure("failover", before.writeReplica, after.writeReplica, since);
      const runs = await api(product.url, "GET", "/api/v1/runs?serviceId=orders-db&limit=1", operator);
      const failover = await until("the automatic run to finish", () => runOf(runs.runs[0].id), finished, 120_000, 250);
      if (failover.status !== "succeeded" || failover.mode !== "automatic") throw new Error(`run ${failover.id} (${failover.mode}) ${failover.status}: ${failover.error}`);
      const reinstate = await api(product.url, "POST", "/api/v1/runbooks/reinstate-former-primary/runs", operator, {
        params: { service: "orders-db", region: findReplica(before.writeReplica).regionId, reason: "benchmark: reinstate the killed primary" },
      });
      await until("the reinstate confirmation", () => runOf(reinstate.id), (r) => finished(r) || r.steps.find((s: any) => s.stepId === "confirm")?.state === "waiting", 60_000, 250);
      await api(product.url, "POST", `/api/v1/runs/${reinstate.id}/steps/confirm/confirm`, operator, { note: "benchmark" });
      const reinstated = await until("the reinstate run", () => runOf(reinstate.id), finished, 300_000, 500);
      if (reinstated.status !== "succeeded") throw new Error(`reinstate ${reinstated.status}: ${reinstated.error}`);
      await api(product.url, "POST", "/api/v1/services/orders-db/automation/acknowledge", operator, { note: "benchmark: checked, next repetition" });
    }
  } finally {
    await client.stop();
  }
  const last = (await route()).writeReplica;
  const check = new pg.Client({ host: LAB_HOST, port: portOf(state, last), user: LAB_SUPERUSER, password: state.password, database: LAB_DATABASE });
  await check.connect();
  const { rows } = await check.query<{ id: string }>(`SELECT id::text AS id FROM ${TABLE}`);
  await check.end();
  const present = new Set(rows.map((row) => Number(row.id)));
  acknowledged = client.acknowledged.length;
  lost = client.acknowledged.filter((write) => !present.has(write.id)).length;
} finally {
  await product.stop();
}

const summary = (values: number[]) => {
  const s = summarize(values);
  return { p50: round(s.p50 / 1000, 2), max: round(s.max / 1000, 2), min: round(Math.min(...values) / 1000, 2) };
};
const of = (event: EventResult["event"]) => results.filter((result) => result.event === event);
console.log(
  JSON.stringify(
    {
      runs: RUNS,
      switchover: { noAcknowledgedWriteSeconds: summary(of("switchover").map((r) => r.noAcknowledgedWriteMs)), refusedSeconds: summary(of("switchover").map((r) => r.refusedMs)) },
      failover: { noAcknowledgedWriteSeconds: summary(of("failover").map((r) => r.noAcknowledgedWriteMs)), refusedSeconds: summary(of("failover").map((r) => r.refusedMs)) },
      events: results,
      acknowledgedWrites: acknowledged,
      acknowledgedWritesLost: lost,
    },
    null,
    2,
  ),
);
if (lost !== 0) process.exitCode = 1;
