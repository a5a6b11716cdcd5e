import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { POST as cancelRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { GET as listRunsRoute } from "@/app/api/v1/runs/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { OPERATIONS } from "@/contracts/operations";
import { runListSchema, runSchema, type RunView } from "@/contracts/runs";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { EXECUTOR_LEASE, executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { startDueRuns } from "@/server/runs/start-due-runs";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { runCliCaptured } from "../support/cli";
import { answerEveryStep } from "../support/fake-agents";
import { batchOf, primaryOverrides, standbyReport } from "../support/reports";

/**
 * Scheduled runs (issue 18): a planned switchover scheduled a few seconds
 * ahead is started by the executor at its time, as the person who scheduled
 * it, and succeeds with nobody acting; one whose pre-checks fail at its time
 * is refused with the reason, audited and alerted; a scheduled run can be
 * cancelled; a bad schedule is refused naming the field, writing nothing.
 */

const server = new ApiServer([
  { op: OPERATIONS.startRun, handler: startRoute },
  { op: OPERATIONS.cancelRun, handler: cancelRoute },
]);
const principals: Record<string, AgentPrincipal> = {};
const seqs: Record<string, number> = {};
let operator: string;
let viewer: string;
const holder = "scheduled-runs-test";
const failOnError = (line: string) => {
  throw new Error(`executor: ${line}`);
};

async function report(name: string, overrides: Partial<AgentReport>) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  await ingestBatch(principals[name]!, batchOf([standbyReport(seqs[name]!, overrides)]));
}

const STANDBY = (replayed: string, lagBytes = 0): Partial<AgentReport> => ({ lsn: { current: null, received: replayed, replayed }, lag: { bytes: lagBytes, seconds: 0 } });

async function healthyTopology(replayed = "1000") {
  await report("pg-us-east-1", primaryOverrides(replayed));
  await report("pg-eu-west-1", STANDBY(replayed));
  await report("pg-europe-west3", STANDBY(replayed));
}

const SWITCHOVER = { service: "orders-db", to_region: "aws:eu-west-1", reason: "planned maintenance" };

function schedule(body: Record<string, unknown>, token = operator) {
  return call(startRoute, { method: "POST", token, params: { id: "planned-switchover" }, body: { params: SWITCHOVER, ...body } });
}

async function scheduled(at: Date, extra: Record<string, unknown> = {}): Promise<RunView> {
  const answer = await schedule({ scheduledAt: at.toISOString(), ...extra });
  expect(answer.status, JSON.stringify(answer.json)).toBe(201);
  return runSchema.parse(answer.json);
}

async function executorLease(): Promise<HeldLease> {
  const grant = await acquireLease(EXECUTOR_LEASE, holder, 600_000);
  expect(grant.held).toBe(true);
  return { name: EXECUTOR_LEASE, holder, token: grant.token };
}

/** Rewrites the maintenance windows of the policy version in force for orders-db, as an approved change would. */
async function setWindows(windows: { startsAt: string; endsAt: string; reason: string }[]) {
  const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), maintenanceWindows: windows } } });
}

const events = async (runId: string) => (await db().auditEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } })).map((event) => event.action);

beforeAll(async () => {
  await seedDemoTopology(db());
  // Alerts fire as soon as their condition holds, so the refusal's alert is seen firing in one evaluation.
  for (const version of await db().policyVersion.findMany()) {
    const document = version.document as { alerts: object };
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, alerts: { ...document.alerts, forSeconds: 0 } } } });
  }
  for (const name of ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    principals[name] = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
  }
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  await db().run.updateMany({ where: { OR: [{ activeForServiceId: { not: null } }, { status: "scheduled" }] }, data: { activeForServiceId: null, status: "aborted" } });
  const us = principals["pg-us-east-1"]!.replicaId;
  await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: us } });
  await db().replica.updateMany({ where: { serviceId: "orders-db" }, data: { role: "standby" } });
  await db().replica.update({ where: { id: us }, data: { role: "primary" } });
  await db().agentCommand.updateMany({ where: { status: { in: ["pending", "delivered"] } }, data: { status: "expired" } });
  await db().lease.deleteMany({ where: { name: EXECUTOR_LEASE } });
  await setWindows([]);
  await healthyTopology();
});

describe("a scheduled planned switchover", () => {
  it("waits without claiming the service, then starts at its time as the person who scheduled it and succeeds with nobody acting", async () => {
    const at = new Date(Date.now() + 2_000);
    const run = await scheduled(at);
    expect(run).toMatchObject({ status: "scheduled", scheduledAt: at.toISOString(), inMaintenanceWindow: false, startedBy: "operator@example.com", startedAt: null, steps: [], primary: null });
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ activeForServiceId: null });
    const listed = runListSchema.parse((await call(listRunsRoute, { token: viewer, path: "/api/v1/runs?serviceId=orders-db&limit=1" })).json).runs;
    expect(listed[0]).toMatchObject({ id: run.id, status: "scheduled", scheduledAt: at.toISOString() });

    // Just before its time, a pass of the scheduler leaves it alone.
    expect(await startDueRuns(await executorLease(), failOnError, new Date(at.getTime() - 1))).toBe(0);
    expect((await runView(run.id)).status).toBe("scheduled");
    await db().lease.deleteMany({ where: { name: EXECUTOR_LEASE } });

    await sleep(Math.max(0, at.getTime() - Date.now() + 10));
    // Only the executor and the (simulated) agents act from here.
    for (let i = 0; i < 40 && !["succeeded", "failed", "aborted", "refused"].includes((await runView(run.id)).status); i++) {
      await executorTick(holder, failOnError);
      await answerEveryStep();
      const view = await runView(run.id);
      if (view.steps.find((step) => step.stepId === "wait-caught-up")?.state === "waiting") {
        await report("pg-eu-west-1", STANDBY("5000"));
        await report("pg-us-east-1", primaryOverrides("5000"));
      }
    }
    const done = await runView(run.id);
    expect(done, JSON.stringify(done)).toMatchObject({ status: "succeeded", primary: "pg-us-east-1", target: "pg-eu-west-1", scheduledAt: at.toISOString() });
    expect(done.steps.find((step) => step.stepId === "confirm")).toMatchObject({
      state: "succeeded",
      output: { answeredBy: "schedule", note: `confirmed in advance by operator@example.com, who scheduled the run for ${at.toISOString()}` },
    });
    expect(new Date(done.startedAt!).getTime()).toBeGreaterThanOrEqual(at.getTime());
    const service = await db().service.findUniqueOrThrow({ where: { id: "orders-db" }, include: { writeReplica: true } });
    expect(service.writeReplica?.name).toBe("pg-eu-west-1");

    expect((await events(run.id)).filter((action) => !["run.step", "agent.command_issue", "agent.command_result"].includes(action))).toEqual([
      "run.schedule",
      "run.start",
      "service.epoch",
      "service.route",
      "run.finish",
    ]);
    const start = await db().auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "run.start" } });
    expect(start).toMatchObject({ actorType: "user", actorLabel: "operator@example.com", details: { scheduledAt: at.toISOString(), rule: "start-when-due" } });
    expect((await verifyAuditChain(db())).intact).toBe(true);
  });

  it("is refused at its time when a pre-check fails then: nothing starts, the run says why, the refusal is audited and alerted", async () => {
    const at = new Date(Date.now() + 500);
    const run = await scheduled(at);
    // By then the target lags far beyond the policy's maximum.
    await report("pg-eu-west-1", STANDBY("1000", 512 * 1024 * 1024));
    await sleep(Math.max(0, at.getTime() - Date.now() + 10));
    expect(await startDueRuns(await executorLease(), failOnError)).toBe(1);

    const refused = runSchema.parse((await call(getRunRoute, { token: viewer, params: { id: run.id } })).json);
    expect(refused).toMatchObject({ status: "refused", startedAt: null, steps: [] });
    expect(refused.error).toMatch(/^refused at its time: its pre-checks fail now: The target's lag is within the policy's maximum: /);
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ activeForServiceId: null });
    expect(await db().agentCommand.count({ where: { runId: run.id } })).toBe(0);
    expect(await events(run.id)).toEqual(["run.schedule", "run.refuse"]);
    const refusal = await db().auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "run.refuse" } });
    expect(refusal).toMatchObject({ actorLabel: "scheduler", details: { rule: "pre-checks-fail", scheduledAt: at.toISOString(), scheduledBy: "operator@example.com" } });

    const alerting = { name: ALERTING_LEASE, holder, token: (await acquireLease(ALERTING_LEASE, holder, 600_000)).token };
    await evaluateAlerts(alerting);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "scheduled-run-refused", subjectKey: `run:${run.id}` } });
    expect(alert).toMatchObject({ serviceId: "orders-db", state: "firing" });
    expect(alert.sentence).toBe(`planned-switchover scheduled for ${at.toISOString()} on orders-db did not start: ${refused.error}`);
    // Someone schedules it again: the refusal has been dealt with, and its alert resolves.
    await scheduled(new Date(Date.now() + 3_600_000));
    await evaluateAlerts(alerting);
    expect(await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ state: "resolved" });
  });

  it("is refused when another run is active at its time, or when the scheduler reaches it more than 15 minutes late", async () => {
    const lease = await executorLease();
    const busy = await scheduled(new Date(Date.now() + 60_000));
    const now = await call(startRoute, { method: "POST", token: operator, params: { id: "planned-switchover" }, body: { params: SWITCHOVER } });
    expect(now.status, JSON.stringify(now.json)).toBe(201);
    await startDueRuns(lease, failOnError, new Date(Date.now() + 61_000));
    expect((await runView(busy.id)).error).toBe(`refused at its time: another run is active on the service (planned-switchover, ${now.json.id})`);
    await db().run.update({ where: { id: now.json.id }, data: { activeForServiceId: null, status: "aborted" } });

    const late = await scheduled(new Date(Date.now() + 60_000));
    await startDueRuns(lease, failOnError, new Date(Date.now() + 60_000 + 16 * 60_000));
    expect(await runView(late.id)).toMatchObject({ status: "refused", error: expect.stringMatching(/^refused at its time: it was due at \S+ and is 1\d min late \(at most 15 min\)$/) });
  });
});

describe("a run scheduled inside a maintenance window", () => {
  it("is accepted for a time inside a window, and refused at its time when the policy no longer has the window", async () => {
    const window = { startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), reason: "kernel patching" };
    await setWindows([window]);
    const at = new Date(Date.parse(window.startsAt) + 60_000);
    const run = await scheduled(at, { inMaintenanceWindow: true });
    expect(run.inMaintenanceWindow).toBe(true);

    await setWindows([]);
    await startDueRuns(await executorLease(), failOnError, new Date(at.getTime() + 1_000));
    expect(await runView(run.id)).toMatchObject({
      status: "refused",
      error: `refused at its time: no maintenance window of the service's policy is in force at ${new Date(at.getTime() + 1_000).toISOString()} (it has none)`,
    });
  });
});

describe("cancelling a scheduled run", () => {
  it("ends it before its time, audited with the reason; it never starts, and only a scheduled run can be cancelled", async () => {
    const at = new Date(Date.now() + 60_000);
    const run = await scheduled(at);
    expect((await call(cancelRoute, { method: "POST", token: operator, params: { id: run.id }, body: {} })).status).toBe(400);
    expect((await call(cancelRoute, { method: "POST", token: viewer, params: { id: run.id }, body: { reason: "not tonight" } })).status).toBe(403);
    const cancelled = await call(cancelRoute, { method: "POST", token: operator, params: { id: run.id }, body: { reason: "the provider moved its maintenance" } });
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBe(200);
    expect(cancelled.json).toMatchObject({ status: "cancelled", error: "cancelled by operator@example.com: the provider moved its maintenance" });
    expect(await db().auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "run.cancel" } })).toMatchObject({
      actorLabel: "operator@example.com",
      reason: "the provider moved its maintenance",
    });

    expect(await startDueRuns(await executorLease(), failOnError, new Date(at.getTime() + 1_000))).toBe(0);
    expect((await runView(run.id)).status).toBe("cancelled");
    const again = await call(cancelRoute, { method: "POST", token: operator, params: { id: run.id }, body: { reason: "twice" } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe("Cannot cancel a run that is cancelled.");

    const running = await call(startRoute, { method: "POST", token: operator, params: { id: "planned-switchover" }, body: { params: SWITCHOVER } });
    expect((await call(cancelRoute, { method: "POST", token: operator, params: { id: running.json.id }, body: { reason: "too late" } })).status).toBe(409);
  });
});

describe("a bad schedule", () => {
  it("is refused naming the field and the reason, and writes nothing", async () => {
    await setWindows([{ startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), reason: "kernel patching" }]);
    const before = { ...(await tableCounts()), runs: await db().run.count() };
    const cases: [Record<string, unknown>, string | undefined, RegExp][] = [
      [{ scheduledAt: new Date(Date.now() - 3_600_000).toISOString() }, "scheduledAt", /is in the past \(it is .*\); give a time ahead$/],
      [{ scheduledAt: new Date(Date.now() + 91 * 86_400_000).toISOString() }, "scheduledAt", /is more than 90 days ahead$/],
      [{ scheduledAt: new Date(Date.now() + 600_000).toISOString(), inMaintenanceWindow: true }, "scheduledAt", /is outside every maintenance window of the service's policy \(its windows are .* \("kernel patching"\)\)$/],
      [{ scheduledAt: new Date(Date.now() + 600_000).toISOString(), dryRun: true }, "dryRun", /cannot be scheduled/],
      [{ inMaintenanceWindow: true }, "inMaintenanceWindow", /needs scheduledAt/],
      [{ scheduledAt: "tomorrow at three" }, "scheduledAt", /must be an ISO 8601 time/],
      [{ scheduledAt: new Date(Date.now() + 600_000).toISOString(), at: "x" }, undefined, /Unrecognized key: "at"/],
      [{ scheduledAt: new Date(Date.now() + 600_000).toISOString(), params: { ...SWITCHOVER, to_region: "mars:north-1" } }, "params.to_region", /has no replica in mars:north-1/],
    ];
    for (const [body, field, message] of cases) {
      const answer = await schedule(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.field, JSON.stringify(answer.json)).toBe(field);
      expect(answer.json.error.message, String(field)).toMatch(message);
    }
    expect({ ...(await tableCounts()), runs: await db().run.count() }).toEqual(before);
  });
});

describe("the CLI", () => {
  it("schedules with --at and --in-window, says when and how to cancel, and cancels with a reason", async () => {
    const window = { startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), reason: "kernel patching" };
    await setWindows([window]);
    const env = { SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: operator };
    const at = new Date(Date.parse(window.startsAt) + 60_000).toISOString();
    const argv = ["run", "planned-switchover", "service=orders-db", "to_region=aws:eu-west-1", "reason=kernel patching", "--at", at, "--in-window"];
    const scheduledRun = await runCliCaptured(argv, env);
    expect(scheduledRun, scheduledRun.err).toMatchObject({ code: 0 });
    const id = (await db().run.findFirstOrThrow({ where: { status: "scheduled" }, orderBy: { createdAt: "desc" } })).id;
    expect(scheduledRun.out).toBe(`Scheduled run ${id} for ${at} (inside a maintenance window only). Cancel it: switchyard cancel ${id} --reason <text>\n`);

    const outside = await runCliCaptured([...argv.slice(0, 6), new Date(Date.parse(window.endsAt) + 60_000).toISOString(), "--in-window"], env);
    expect(outside).toMatchObject({ code: 1, err: expect.stringContaining("scheduledAt: ") });
    expect(outside.err).toContain("is outside every maintenance window");

    const cancelled = await runCliCaptured(["cancel", id, "--reason", "moved to next week"], env);
    expect(cancelled, cancelled.err).toMatchObject({ code: 0 });
    expect(cancelled.out).toContain(`Run ${id} of planned-switchover on orders-db: cancelled — cancelled by operator@example.com: moved to next week`);
    expect(cancelled.out).toContain(`scheduled for ${at.slice(0, 10)}`);
  });
});
