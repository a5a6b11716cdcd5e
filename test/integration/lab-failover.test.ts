import { describe, expect, it } from "vitest";
import { runSchema } from "@/contracts/runs";
import { killRegion } from "@/lab/faults";
import { verifyLedger } from "@/lab/verify";
import { ORDERS_DB_ONLY, productForFile, until } from "../support/product";

/**
 * The primary's region dies (its PostgreSQL is SIGKILLed) while the workload
 * writes and automation is paused: the automation only detects and alerts
 * (chaos scenario 6), and an operator runs the unplanned failover through the API.
 */
const product = productForFile(ORDERS_DB_ONLY);

describe("an unplanned regional failover on the real lab", () => {
  it("promotes the synchronous standby, chosen by candidate selection, without losing an acknowledged write", async () => {
    const { api, operator, running } = product;
    await product.healthy();
    await until("some acknowledged writes", () => verifyLedger(running.dataDir, "pg-eu-west-1"), (check) => check.acknowledged > 100);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const pause = await api("POST", "/api/v1/automation/pauses", operator, { scope: "orders-db", reason: "integration test: people fail over", expiresAt });
    expect(pause.status, JSON.stringify(pause.json)).toBe(201);

    await killRegion(running.dataDir, "aws:us-east-1");
    // Paused: the decider confirms the loss, records that it is held back, and acts no further.
    const held = await until(
      "the decider to hold the confirmed loss back",
      () => api("GET", "/api/v1/services/orders-db/automation", operator),
      ({ json }) => json.recorded?.some((decision: { ruleId: string }) => decision.ruleId === "failover-paused"),
    );
    expect(held.json).toMatchObject({ acting: false });
    expect(held.json.recorded.find((decision: { ruleId: string }) => decision.ruleId === "failover-paused")).toMatchObject({ action: { kind: "blocked", by: "paused" }, actedAt: null, runId: null });
    const alert = await until(
      "the held-back failover to be alerted",
      () => api("GET", "/api/v1/alerts?serviceId=orders-db&ruleId=automatic-failover-held", operator),
      ({ json }) => json.alerts?.length > 0,
    );
    expect(alert.json.alerts[0].sentence).toContain("automation is paused (integration test: people fail over)");
    expect((await api("GET", "/api/v1/runs?serviceId=orders-db", operator)).json.runs).toEqual([]);
    const params = { service: "orders-db", from_region: "aws:us-east-1", reason: "integration test: us-east-1 is gone" };
    // Detection needs the primary's agent to say it cannot reach it and both witnesses to agree.
    const plan = await until(
      "the primary to be seen unreachable by a quorum",
      () => api("POST", "/api/v1/runbooks/unplanned-failover/plan", operator, { params }),
      ({ json }) => Array.isArray(json.blockers) && json.blockers.length === 0,
    );
    expect(plan.json).toMatchObject({ primary: "pg-us-east-1", target: "pg-eu-west-1", targetChosenBy: "candidate selection", others: ["pg-europe-west3"] });
    expect(plan.json.steps.find((step: { id: string }) => step.id === "rpo-override")).toMatchObject({ needed: false });

    const started = await api("POST", "/api/v1/runbooks/unplanned-failover/runs", operator, { params });
    expect(started.status).toBe(201);
    const runId = runSchema.parse(started.json).id;
    await until("the isolation confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
      json.steps.find((step: { stepId: string }) => step.stepId === "confirm-isolation")?.state === "waiting",
    );
    await api("POST", `/api/v1/runs/${runId}/steps/confirm-isolation/confirm`, operator, { note: "the region is down" });
    const finished = await until("the run to finish", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 120_000);
    const run = runSchema.parse(finished.json);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.steps.find((step) => step.stepId === "rpo-override")?.state).toBe("skipped");
    // What users saw, measured from the lost primary's last report as primary (the run fenced nothing) to the new primary's first one,
    // or to the route's switch when that report had not arrived yet as the run finished.
    expect(["old-primary-report-to-new-primary-report", "old-primary-report-to-route"]).toContain(run.observedRto?.method);
    expect(run.observedRto!.ms).toBeGreaterThan(0);

    expect((await api("GET", "/api/v1/services/orders-db/route", operator)).json).toMatchObject({ writeRegionId: "aws:eu-west-1", writeReplica: "pg-eu-west-1", epoch: 2 });
    const before = (await verifyLedger(running.dataDir, "pg-eu-west-1")).acknowledged;
    await until("the workload writing to the new primary", () => verifyLedger(running.dataDir, "pg-eu-west-1"), (check) => check.acknowledged > before + 50);
    // Every write the old primary acknowledged had reached the synchronous standby: none lost.
    const check = await verifyLedger(running.dataDir, "pg-eu-west-1");
    expect({ lost: check.lost, duplicated: check.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    await until(
      "pg-europe-west3 streaming from the new primary",
      () => product.sql<{ application_name: string; state: string }>("pg-eu-west-1", "SELECT application_name, state FROM pg_stat_replication"),
      (rows) => rows.some((row) => row.application_name === "pg-europe-west3" && row.state === "streaming"),
    );
  }, 300_000);

  it("reinstates the killed former primary as a standby of the new one", async () => {
    const { api, operator, running, sql } = product;
    const params = { service: "orders-db", region: "aws:us-east-1", reason: "integration test: us-east-1 is back" };
    const started = await api("POST", "/api/v1/runbooks/reinstate-former-primary/runs", operator, { params });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const runId = runSchema.parse(started.json).id;
    await until("the confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
      ["failed", "aborted"].includes(json.status) || json.steps.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
    );
    await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, { note: "its writes after the kill may go" });
    const finished = await until("the run to finish", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 180_000);
    const run = runSchema.parse(finished.json);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    // Its server was dead (SIGKILL): the agent rebuilt it from the new primary and started it.
    expect(run.steps.find((step) => step.stepId === "rewind-former-primary")).toMatchObject({
      state: "succeeded",
      output: { "pg-us-east-1": { method: "base-backup", timeline: 2, note: null } },
    });
    expect(run.steps.find((step) => step.stepId === "verify-refuses-writes")).toMatchObject({ state: "succeeded", output: { "pg-us-east-1": { accepted: false } } });

    const streaming = await sql<{ application_name: string; state: string }>("pg-eu-west-1", "SELECT application_name, state FROM pg_stat_replication ORDER BY application_name");
    expect(streaming).toEqual([
      { application_name: "pg-europe-west3", state: "streaming" },
      { application_name: "pg-us-east-1", state: "streaming" },
    ]);
    expect(await sql("pg-us-east-1", "SELECT status, received_tli FROM pg_stat_wal_receiver")).toEqual([{ status: "streaming", received_tli: 2 }]);
    // It holds every acknowledged write, old and new, once it has replayed them.
    await until("the reinstated replica to hold every acknowledged write", () => verifyLedger(running.dataDir, "pg-us-east-1"), (check) => check.lost === 0 && check.duplicated === 0);
    // The route did not move.
    expect((await api("GET", "/api/v1/services/orders-db/route", operator)).json).toMatchObject({ writeRegionId: "aws:eu-west-1", epoch: 2 });
  }, 300_000);
});

