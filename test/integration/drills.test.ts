import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drillSchema, drillScheduleSchema, recoveryHistorySchema, type DrillView } from "@/contracts/drills";
import { runSchema } from "@/contracts/runs";
import type { RunningControlPlane } from "@/bench/support/control-plane";
import { ORDERS_DB_ONLY, startProduct, until, type Product } from "../support/product";

/**
 * A drill on the real lab, as `npm start` runs it: a planned switchover of
 * orders-db to aws:eu-west-1 and back, with the control plane's canary
 * writing through the write route, judged against the datasets' budgets.
 */
let product: RunningControlPlane;
let operator: string;
let api: Product["api"];
let sql: Product["sql"];
let healthy: Product["healthy"];

beforeAll(async () => {
  // orders-db alone: the drills move only it, and the lab starts and runs faster without the other services.
  const started = await startProduct(ORDERS_DB_ONLY);
  ({ operator, api, sql, healthy } = started);
  product = started.running;
}, 300_000);

afterAll(async () => {
  await product?.stop();
}, 120_000);

const getDrill = async (id: string) => drillSchema.parse((await api("GET", `/api/v1/drills/${id}`, operator)).json);

/** Confirms a run's manual step once it waits, then waits for the run to end. */
async function confirmAndFinish(runId: string) {
  const waiting = await until("the manual confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
    ["failed", "aborted"].includes(json.status) || json.steps.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
  );
  expect(waiting.json.status, JSON.stringify(waiting.json)).toBe("running");
  const confirmed = await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, { note: "drill" });
  expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
  const finished = await until("the run to finish", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 180_000);
  return runSchema.parse(finished.json);
}

/** Rows the canary wrote for the drill on a replica (none before its table exists). */
const canaryRows = (replica: string, drillId: string) =>
  sql<{ count: string }>(replica, `SELECT count(*) FROM switchyard_drill_canary WHERE drill_id = '${drillId}'`).then(([row]) => Number(row!.count), () => 0);

describe("a drill on the real lab", () => {
  let drill: DrillView;

  it("switches over and back with the canary writing, and reports observed RTO, no lost write and a verdict per dataset budget", async () => {
    await healthy(120_000);
    const started = await api("POST", "/api/v1/drills", operator, { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "integration test: drill" }, switchBack: true });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    drill = drillSchema.parse(started.json);
    expect(drill).toMatchObject({ serviceId: "orders-db", runbookId: "planned-switchover", status: "running", switchBack: true, originalRegionId: "aws:us-east-1", report: null });

    // The canary writes through the route before anyone confirms the switchover.
    await until("the canary's first writes on the primary", () => canaryRows("pg-us-east-1", drill.id), (count) => count >= 5);
    const run = await confirmAndFinish(drill.runId!);
    expect(run.status).toBe("succeeded");
    // Every run records what users saw of it, drill or not.
    expect(run.observedRto).toMatchObject({ method: "fence-to-new-primary-report" });
    expect(run.observedRto!.ms).toBeGreaterThan(0);

    const switching = await until("the switch back to start", () => getDrill(drill.id), (view) => view.switchBackRunId !== null || view.report !== null);
    expect(switching.status, JSON.stringify(switching)).toBe("switching_back");
    const back = await confirmAndFinish(switching.switchBackRunId!);
    expect(back.status).toBe("succeeded");

    drill = await until("the drill's report", () => getDrill(drill.id), (view) => view.report !== null, 60_000);
    const report = drill.report!;
    expect({ status: drill.status, error: drill.error }).toEqual({ status: "passed", error: null });
    expect(report.passed).toBe(true);
    expect(report.canary.measured).toBe(true);
    expect(report.lostWrites).toBe(0);
    expect(report.canary.acknowledged).toBeGreaterThan(10);
    // Two outages seen by the canary: the switchover and the switch back.
    expect(report.canary.outages!.map((outage) => [outage.before, outage.after])).toEqual([
      ["pg-us-east-1", "pg-eu-west-1"],
      ["pg-eu-west-1", "pg-us-east-1"],
    ]);
    expect(report.observedRtoMs).toBeGreaterThan(0);
    expect(report.observedRtoMs).toBe(report.canary.outages![0]!.ms);
    expect(report.runRto?.ms).toBe(run.observedRto!.ms);
    expect(report.switchBackRto?.ms).toBe(back.observedRto!.ms);
    expect(report.verdicts.map((verdict) => [verdict.dataset, verdict.budget, verdict.rule, verdict.passed])).toEqual([
      ["order-history", "rto", "rto-within-budget", true],
      ["order-history", "rpo", "eventual-loss-within-budget", true],
      ["orders", "rto", "rto-within-budget", true],
      ["orders", "rpo", "strong-nothing-lost", true],
    ]);
    expect(report.steps.find((step) => step.run === "drill" && step.stepId === "fence-primary")).toMatchObject({ state: "succeeded" });
    expect(report.steps.filter((step) => step.run === "switch-back").length).toBeGreaterThan(0);
    expect(report.timeline.map((event) => event.what)).toContain("Canary: first accepted write on pg-eu-west-1");

    // Back where it started; the canary's rows are cleaned up.
    expect((await api("GET", "/api/v1/services/orders-db/route", operator)).json).toMatchObject({ writeRegionId: "aws:us-east-1" });
    expect(await canaryRows("pg-us-east-1", drill.id)).toBe(0);

    // The service's history holds the drill against the budgets.
    const history = recoveryHistorySchema.parse((await api("GET", "/api/v1/services/orders-db/recovery-history", operator)).json);
    expect(history.points).toContainEqual(expect.objectContaining({ kind: "drill", id: drill.id, lostWrites: 0, passed: true, observedRtoSeconds: report.observedRtoMs! / 1000 }));
    expect(history.datasets.map((dataset) => dataset.name)).toEqual(["order-history", "orders"]);
    const listed = (await api("GET", "/api/v1/drills?serviceId=orders-db", operator)).json;
    expect(listed.drills[0]).toMatchObject({ id: drill.id, passed: true, lostWrites: 0 });
  }, 600_000);

  it("refuses bad input, writing nothing", async () => {
    const written = async () => {
      const [drills, runs, schedules] = await Promise.all([
        api("GET", "/api/v1/drills", operator),
        api("GET", "/api/v1/runs", operator),
        api("GET", "/api/v1/drill-schedules", operator),
      ]);
      return [drills.json.drills.length, runs.json.runs.length, schedules.json.schedules.length];
    };
    const before = await written();
    const params = { service: "orders-db", to_region: "aws:eu-west-1", reason: "integration test: bad input" };
    const refused: [string, string, unknown, number, RegExp][] = [
      ["/api/v1/drills", "unknown runbook", { runbook: "no-such-runbook", params }, 404, /No runbook no-such-runbook/],
      ["/api/v1/drills", "unknown service", { params: { ...params, service: "no-such-db" } }, 400, /params\.service/],
      ["/api/v1/drills", "unknown region", { params: { ...params, to_region: "mars:crater-1" } }, 400, /params\.to_region/],
      ["/api/v1/drills", "switchBack not a boolean", { params, switchBack: "yes" }, 400, /switchBack/],
      ["/api/v1/drill-schedules", "no period", { params }, 400, /everyDays/],
      ["/api/v1/drill-schedules", "a period of 0 days", { params, everyDays: 0 }, 400, /everyDays: must be at least 1 day/],
      ["/api/v1/drill-schedules", "a period of 1.5 days", { params, everyDays: 1.5 }, 400, /everyDays/],
      ["/api/v1/drill-schedules", "a first due time that is no date", { params, everyDays: 7, firstDueAt: "tomorrow" }, 400, /firstDueAt/],
      ["/api/v1/drill-schedules", "unknown service", { params: { ...params, service: "no-such-db" }, everyDays: 7 }, 400, /params\.service/],
      ["/api/v1/drill-schedules", "unknown runbook", { runbook: "no-such-runbook", params, everyDays: 7 }, 404, /No runbook/],
    ];
    for (const [path, what, body, status, message] of refused) {
      const answer = await api("POST", path, operator, body);
      expect([what, answer.status], JSON.stringify(answer.json)).toEqual([what, status]);
      expect(answer.json.error.message).toMatch(message);
    }
    expect(await written()).toEqual(before);
  });

  it("keeps a repeating drill's schedule, due when asked", async () => {
    const created = await api("POST", "/api/v1/drill-schedules", operator, {
      params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "weekly drill" },
      everyDays: 7,
      firstDueAt: "2099-01-04T02:00:00Z",
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(drillScheduleSchema.parse(created.json)).toMatchObject({ everyDays: 7, inMaintenanceWindow: true, switchBack: true, nextDueAt: "2099-01-04T02:00:00.000Z", overdue: null });
  });
});
