import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchema } from "@/contracts/runs";
import type { RunningControlPlane } from "@/bench/support/control-plane";
import { routeKey } from "@/lab/network/links";
import { readNetworkFile } from "@/lab/network/network-file";
import { findReplica } from "@/lab/topology";
import { verifyLedger } from "@/lab/verify";
import { labHealthPorts, samplePrimaryHealth, twoWriteTargets } from "../support/primary-health-sampler";
import { ORDERS_DB_ONLY, startProduct, until, type Product } from "../support/product";
import { switchOver } from "../support/switchover";

/**
 * The whole product, as `npm start` runs it (production build, embedded
 * store, the lab's three PostgreSQL clusters, an agent per replica, the
 * workload), switched over for real from aws:us-east-1 to aws:eu-west-1
 * through the API, as an operator would.
 */
let product: RunningControlPlane;
let admin: string;
let operator: string;
let api: Product["api"];
let sql: Product["sql"];

beforeAll(async () => {
  const started = await startProduct(ORDERS_DB_ONLY);
  ({ admin, operator, api, sql } = started);
  product = started.running;
}, 300_000);

afterAll(async () => {
  await product?.stop();
}, 120_000);

describe("a planned switchover on the real lab, with the workload writing", () => {
  it("moves the primary to aws:eu-west-1 without losing an acknowledged write", async () => {
    // Every replica reports healthy before we start.
    await until(
      "a healthy topology",
      () => api("GET", "/api/v1/services/orders-db", operator),
      ({ json }) => json.replicas?.every((replica: { live: { health: string } }) => replica.live.health === "healthy"),
    );
    // The workload starts with the lab, and on a busy machine its first acknowledged write can come after the topology looks healthy.
    const ledgerBefore = (await until("the workload's first acknowledged writes", () => verifyLedger(product.dataDir, "pg-us-east-1"), (ledger) => ledger.acknowledged > 0)).acknowledged;

    // Every agent's /primary, asked together over and over through the switchover.
    const ports = await until("every agent's health port", async () => labHealthPorts(product.dataDir), (found) => Object.keys(found).length === 3);
    // The control plane relays how the primary counts each standby: the lab's synchronous standby answers /sync, the asynchronous one /async, neither both.
    const health = (name: string, check: string) => fetch(`http://127.0.0.1:${ports[name]}${check}`, { signal: AbortSignal.timeout(2_000) }).then((answer) => answer.status, () => 0);
    await until("pg-eu-west-1's /sync to answer 200", () => health("pg-eu-west-1", "/sync"), (status) => status === 200);
    await until("pg-europe-west3's /async to answer 200", () => health("pg-europe-west3", "/async"), (status) => status === 200);
    expect([await health("pg-eu-west-1", "/async"), await health("pg-europe-west3", "/sync"), await health("pg-us-east-1", "/sync")]).toEqual([503, 503, 503]);
    const primaries = samplePrimaryHealth(ports);
    await until("the old primary's /primary to answer 200", async () => primaries.rounds.at(-1), (round) => round?.statuses["pg-us-east-1"] === 200);
    const run = await switchOver({ api, operator }, "aws:eu-west-1", "integration test: planned switchover");
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");

    // The route moved and the epoch went up; the workload follows the route.
    await until("the new primary's /primary to answer 200", async () => primaries.rounds.at(-1), (round) => round?.statuses["pg-eu-west-1"] === 200);
    const rounds = await primaries.stop();
    // Never two replicas answering 200 on /primary at one time: a load balancer never has two write targets.
    expect(twoWriteTargets(rounds)).toEqual([]);
    // Between the two, a stretch where no replica takes writes: the fence, the catch-up and the promotion.
    const lastOld = rounds.findLast((round) => round.statuses["pg-us-east-1"] === 200);
    const firstNew = rounds.find((round) => round.statuses["pg-eu-west-1"] === 200);
    expect(rounds.some((round) => round.at > lastOld!.at && round.at < firstNew!.at && Object.values(round.statuses).every((status) => status !== 200))).toBe(true);

    const service = await api("GET", "/api/v1/services/orders-db", operator);
    expect(service.json.writeRegionId).toBe("aws:eu-west-1");
    expect(service.json.epoch).toBe(2);
    await until("acknowledged writes on the new primary", () => verifyLedger(product.dataDir, "pg-eu-west-1"), (check) => check.acknowledged > ledgerBefore + 100);

    // Zero acknowledged writes lost, none duplicated.
    const check = await verifyLedger(product.dataDir, "pg-eu-west-1");
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });

    // The new primary accepts writes; the old one refused them while fenced (the run checked it) and still does as a standby.
    expect(await sql("pg-eu-west-1", "SELECT pg_is_in_recovery() AS standby")).toEqual([{ standby: false }]);
    await sql("pg-eu-west-1", "INSERT INTO orders (id, payload) VALUES ('after-switchover', 'ok')");
    expect(run.steps.find((step) => step.stepId === "verify-old-primary")).toMatchObject({ state: "succeeded", output: { "pg-us-east-1": { accepted: false } } });
    await expect(sql("pg-us-east-1", "INSERT INTO orders (id, payload) VALUES ('on-the-old-primary', 'no')")).rejects.toThrow(/read-only/);

    // Both the remaining standby and the old primary (rejoined by a base backup) stream from the new primary, on its timeline.
    await expectStreamingFrom("pg-eu-west-1", ["pg-europe-west3", "pg-us-east-1"]);
    expect(run.steps.find((step) => step.stepId === "rejoin-old-primary")).toMatchObject({
      state: "succeeded",
      output: { "pg-us-east-1": { method: "base-backup", timeline: 2 } },
    });

    // The promotion's audit event carries the zero-loss proof.
    const audit = await api("GET", "/api/v1/audit/verify", admin);
    expect(audit.json.intact).toBe(true);
  }, 300_000);

  it("switches back to aws:us-east-1, the rejoined former primary, without losing a write", async () => {
    const ledgerBefore = (await verifyLedger(product.dataDir, "pg-eu-west-1")).acknowledged;
    const run = await switchOver({ api, operator }, "aws:us-east-1", "integration test: switch back");
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect((await api("GET", "/api/v1/services/orders-db/route", operator)).json).toMatchObject({ writeRegionId: "aws:us-east-1", epoch: 3 });
    await until("acknowledged writes on aws:us-east-1 again", () => verifyLedger(product.dataDir, "pg-us-east-1"), (check) => check.acknowledged > ledgerBefore + 100);
    const check = await verifyLedger(product.dataDir, "pg-us-east-1");
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    await expectStreamingFrom("pg-us-east-1", ["pg-europe-west3", "pg-eu-west-1"]);
    expect(run.steps.find((step) => step.stepId === "rejoin-old-primary")).toMatchObject({ state: "succeeded", output: { "pg-eu-west-1": { method: "base-backup", timeline: 3 } } });
  }, 300_000);

  it("finishes a run whose control plane is killed mid-run, without repeating a step", async () => {
    // As a person would before starting it: the control plane sees the last switchover's old primary as a standby again (its agent reported since).
    await until("pg-eu-west-1 reported as a standby", () => api("GET", "/api/v1/services/orders-db", operator), ({ json }) =>
      json.replicas.find((replica: { name: string }) => replica.name === "pg-eu-west-1")?.live?.reportedRole === "standby",
    );
    const started = await api("POST", "/api/v1/runbooks/planned-switchover/runs", operator, {
      params: { service: "orders-db", to_region: "gcp:europe-west3", reason: "integration test: restart mid-run" },
    });
    expect(started.status).toBe(201);
    const runId = runSchema.parse(started.json).id;
    await until("the manual confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
      json.steps.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
    );
    const ledgerBefore = (await verifyLedger(product.dataDir, "pg-europe-west3")).acknowledged;
    const confirmed = await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, {});
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    await until("the fence to be done", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
      json.steps.find((step: { stepId: string }) => step.stepId === "fence-primary")?.state === "succeeded",
    );

    // Kill the control plane (SIGKILL: nothing is flushed); the supervisor starts a new one.
    const pidFile = path.join(product.dataDir, "control-plane.pid");
    const killed = Number(readFileSync(pidFile, "utf8"));
    process.kill(killed, "SIGKILL");
    await until("a new control plane", async () => Number(readFileSync(pidFile, "utf8")), (pid) => pid !== killed, 60_000);

    const finished = await until(
      "the run to finish after the restart",
      () => api("GET", `/api/v1/runs/${runId}`, operator).catch(() => ({ status: 0, json: { status: "unreachable" } })),
      ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status),
      120_000,
    );
    const run = runSchema.parse(finished.json);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect((await api("GET", "/api/v1/services/orders-db/route", operator)).json).toMatchObject({ writeRegionId: "gcp:europe-west3", epoch: 4 });

    // No step ran twice: one command per step and replica, one completion per step.
    const counts = new Map<string, number>();
    for (const step of run.steps) counts.set(step.stepId, (counts.get(step.stepId) ?? 0) + 1);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    // The lab's services have no gates configured: the gate steps are skipped.
    expect(run.steps.filter((step) => !(step.attempts === 1 && (step.state === "succeeded" || (step.kind === "gate" && step.state === "skipped"))))).toEqual([]);

    await until("acknowledged writes on the new primary", () => verifyLedger(product.dataDir, "pg-europe-west3"), (check) => check.acknowledged > ledgerBefore + 50);
    const check = await verifyLedger(product.dataDir, "pg-europe-west3");
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    await expectStreamingFrom("pg-europe-west3", ["pg-eu-west-1", "pg-us-east-1"]);
  }, 300_000);
});

/** A standby streams over its own region's link to the primary (lab/network): the sender it sees is that link's proxy. */
async function linkPort(from: string, to: string): Promise<number> {
  const network = await readNetworkFile(product.dataDir);
  const port = network?.proxies[routeKey({ from: findReplica(from).regionId, to: findReplica(to).regionId }, to)];
  if (!port) throw new Error(`the lab has no link ${from} -> ${to}`);
  return port;
}

/** Every standby streams from `primary` (pg_stat_replication there, pg_stat_wal_receiver on each standby), on the primary's timeline. */
async function expectStreamingFrom(primary: string, standbys: string[]): Promise<void> {
  const streaming = await until(
    `${standbys.join(", ")} streaming from ${primary}`,
    () => sql<{ application_name: string; state: string }>(primary, "SELECT application_name, state FROM pg_stat_replication"),
    (rows) => standbys.every((name) => rows.some((row) => row.application_name === name && row.state === "streaming")),
  );
  expect(streaming.map((row) => row.application_name).sort()).toEqual([...standbys].sort());
  const [row] = await sql<{ timeline: number }>(primary, "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline");
  const timeline = row!.timeline;
  for (const standby of standbys) {
    expect(await sql(standby, "SELECT status, sender_port, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", sender_port: await linkPort(standby, primary), received_tli: timeline }]);
  }
}
