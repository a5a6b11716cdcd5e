import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as approveDrillRoute } from "@/app/api/v1/drills/[id]/approve/route";
import { POST as rejectDrillRoute } from "@/app/api/v1/drills/[id]/reject/route";
import { GET as getDrillRoute } from "@/app/api/v1/drills/[id]/route";
import { POST as drillsRoute } from "@/app/api/v1/drills/route";
import { POST as createScheduleRoute } from "@/app/api/v1/drill-schedules/route";
import { POST as approvePlanRoute } from "@/app/api/v1/plans/[id]/approve/route";
import { POST as cancelPlanRoute } from "@/app/api/v1/plans/[id]/cancel/route";
import { POST as rejectPlanRoute } from "@/app/api/v1/plans/[id]/reject/route";
import { GET as getPlanRoute } from "@/app/api/v1/plans/[id]/route";
import { GET as listPlansRoute, POST as plansRoute } from "@/app/api/v1/plans/route";
import { drillSchema, type DrillView } from "@/contracts/drills";
import { OPERATIONS } from "@/contracts/operations";
import { planDryRunSchema, planSchema, type PlanView } from "@/contracts/plans";
import { detectAll } from "@/core/alerts/alert-rules";
import { gatherAlertFacts } from "@/server/alerts/alert-facts";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { DRILLS_LEASE, drillPass } from "@/server/drills/drill-loop";
import { executorTick } from "@/server/executor/run-executor";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { runCliCaptured } from "../support/cli";
import { demoAgents } from "../support/demo-agents";
import { seedDemoTopology } from "../support/demo-topology";
import { driveUntilPlanEnds as drivePlan } from "../support/plans";

/**
 * Plan drills and drills that wait for a second person, on the real store:
 * plans executed by the run executor against fake agents, drills moved on by
 * the drill loop's pass as its lease holder runs it (no lab, so no canary:
 * RTO comes from the agents' reports and RPO is not measured).
 */
const server = new ApiServer([
  { op: OPERATIONS.createPlan, handler: plansRoute },
  { op: OPERATIONS.getPlan, handler: getPlanRoute },
  { op: OPERATIONS.approvePlan, handler: approvePlanRoute },
  { op: OPERATIONS.startDrill, handler: drillsRoute },
  { op: OPERATIONS.getDrill, handler: getDrillRoute },
  { op: OPERATIONS.approveDrill, handler: approveDrillRoute },
]);
const agents = demoAgents();
const { principals, report } = agents;
let operator: { id: string; token: string };
let approver: string;
let otherOperator: string;
let lease: HeldLease;
const log = () => undefined;
const failOnError = (line: string) => {
  throw new Error(`executor: ${line}`);
};
const tick = () => executorTick("plan-drill-test-copy", failOnError);

const createPlan = (body: Record<string, unknown>, token = operator.token) =>
  call(plansRoute, { method: "POST", token, body: { regionId: "aws:us-east-1", services: ["orders-db", "catalog-db"], reason: "rehearse leaving us-east-1", ...body } });
const plan = async (id: string): Promise<PlanView> => planSchema.parse((await call(getPlanRoute, { token: operator.token, params: { id } })).json);
const startDrill = (token = operator.token) =>
  call(drillsRoute, { method: "POST", token, body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "rehearsal on production" } } });
const drill = async (id: string): Promise<DrillView> => drillSchema.parse((await call(getDrillRoute, { token: operator.token, params: { id } })).json);
const decide = (route: typeof approveDrillRoute, id: string, token: string, note = "quiet hour, go ahead") => call(route, { method: "POST", token, params: { id }, body: { note } });

/** orders-db's policy in force, with drills requiring approval (or not), written as its current version. */
async function requireDrillApproval(requireApproval: boolean, approvalExpiresAfterMinutes = 240) {
  const policy = await db().policy.findFirstOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), drills: { requireApproval, approvalExpiresAfterMinutes } } } });
}

const driveUntilPlanEnds = (planId: string, ticks?: number) => drivePlan(planId, { report: agents.report, tick, plan }, ticks);

const auditOf = (targetId: string) => db().auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" } });

beforeAll(async () => {
  await seedDemoTopology(db());
  await agents.register();
  await server.start();
  const op = await createTestUser("drill-operator@example.com", ["operator"]);
  operator = { id: op.id, token: await tokenFor(op.id) };
  approver = await tokenFor((await createTestUser("drill-approver@example.com", ["approver", "operator"])).id);
  otherOperator = await tokenFor((await createTestUser("drill-other-operator@example.com", ["operator"])).id);
  const grant = await acquireLease(DRILLS_LEASE, "plan-drills-test", 600_000);
  if (!grant.held) throw new Error("could not take the drills lease");
  lease = { name: DRILLS_LEASE, holder: "plan-drills-test", token: grant.token };
  // A second service whose primary is already outside us-east-1: a plan drill naming it has nothing to rehearse for it.
  await db().service.create({ data: { id: "catalog-db", name: "Catalog", engine: "postgresql" } });
  const catalog = await db().replica.create({
    data: { serviceId: "catalog-db", name: "catalog-eu-west-1", regionId: "aws:eu-west-1", role: "primary", engine: "postgresql", replication: "sync", host: "127.0.0.1", port: 1, databaseName: "catalog" },
  });
  await db().service.update({ where: { id: "catalog-db" }, data: { writeReplicaId: catalog.id } });
});

afterAll(async () => {
  await server.stop();
  expect((await verifyAuditChain(db())).intact).toBe(true);
});

beforeEach(async () => {
  await requireDrillApproval(false);
  await db().plan.updateMany({ where: { status: { in: ["scheduled", "awaiting_approval", "running", "paused"] } }, data: { status: "aborted" } });
  await db().planService.updateMany({ where: { state: { in: ["pending", "running"] } }, data: { state: "cancelled" } });
  await db().drill.updateMany({ where: { status: { in: ["awaiting_approval", "starting", "running", "switching_back"] } }, data: { status: "aborted" } });
  await db().drillSchedule.updateMany({ data: { disabledAt: new Date() } });
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  const us = principals["pg-us-east-1"]!.replicaId;
  await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: us } });
  await db().replica.updateMany({ where: { serviceId: "orders-db" }, data: { role: "standby", noPromote: false } });
  await db().replica.update({ where: { id: us }, data: { role: "primary" } });
  await db().agentCommand.updateMany({ where: { status: { in: ["pending", "delivered"] } }, data: { status: "expired" } });
  await db().lease.deleteMany({ where: { name: "run-executor" } });
  await agents.healthy();
});

describe("a plan drill", () => {
  it("says in its dry run that it is a drill, and refuses a bad drill field naming it, writing nothing", async () => {
    const before = await tableCounts();
    const dryRun = planDryRunSchema.parse((await createPlan({ drill: { switchBack: true }, dryRun: true })).json);
    expect(dryRun.drill).toEqual({
      switchBack: true,
      approvalRequiredBy: [],
      sentence:
        "A drill: each service's run is recorded as a drill with a canary, measured against its datasets' budgets, then switched back to aws:us-east-1. No service in scope requires approval of its drills.",
    });
    expect(planDryRunSchema.parse((await createPlan({ dryRun: true })).json).drill).toBeNull();
    for (const [drillField, path] of [
      [{ switchBack: "yes" }, "drill.switchBack"],
      [{}, "drill.switchBack"],
      [{ switchBack: true, canary: false }, "drill"],
      [true, "drill"],
    ] as const) {
      const answer = await createPlan({ drill: drillField });
      expect(answer.status, JSON.stringify(answer.json)).toBe(400);
      expect(answer.json.error.message).toContain(path);
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("records one drill per child run in the run's own transaction, and passes only once every child drill passed", async () => {
    const created = await createPlan({ drill: { switchBack: false }, order: { groups: [["orders-db"], ["catalog-db"]] } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    let now = planSchema.parse(created.json);
    expect(now).toMatchObject({ status: "running", drill: { switchBack: false, result: "pending", rule: "plan-drill-under-way", approval: null } });

    await tick();
    now = await plan(now.id);
    const orders = () => now.services.find((service) => service.serviceId === "orders-db")!;
    const catalog = () => now.services.find((service) => service.serviceId === "catalog-db")!;
    expect(orders()).toMatchObject({ state: "running", drill: { status: "running", passed: null } });
    const child = await db().drill.findUniqueOrThrow({ where: { id: orders().drill!.id } });
    // The drill points at the run the plan started, with the plan's id: they were written together.
    expect(child).toMatchObject({ planId: now.id, runId: orders().run!.id, serviceId: "orders-db", switchBack: false, originalRegionId: "aws:us-east-1", startedById: operator.id, reason: "rehearse leaving us-east-1" });
    expect(await db().auditEvent.count({ where: { action: "drill.start", targetId: child.id } })).toBe(1);

    now = await driveUntilPlanEnds(now.id);
    expect(now.status).toBe("succeeded");
    expect(catalog()).toMatchObject({ state: "not_needed", drill: null });
    // The plan has ended, its child drill not yet reported: the plan drill is still pending.
    expect(now.drill).toMatchObject({ result: "pending", rule: "plan-drill-under-way" });

    await drillPass(lease, log);
    now = await plan(now.id);
    const reported = await drill(child.id);
    expect(reported.status).toBe("passed");
    expect(reported.report).toMatchObject({ passed: true, lostWrites: null });
    expect(orders().drill).toMatchObject({ id: child.id, status: "passed", passed: true });
    expect(now.drill).toMatchObject({ result: "passed", rule: "plan-drill-passed", sentence: "Every child drill passed against its budgets: the plan drill passed." });
    expect(reported.planId).toBe(now.id);

    // The list says which plans are drills.
    const listed = (await call(listPlansRoute, { token: operator.token })).json.plans;
    expect(listed[0]).toMatchObject({ id: now.id, drill: true });
  });

  it("fails as a whole when one child drill fails", async () => {
    const created = planSchema.parse((await createPlan({ services: ["orders-db"], drill: { switchBack: false } })).json);
    await tick();
    const runId = (await plan(created.id)).services[0]!.run!.id;
    await db().run.update({ where: { id: runId }, data: { status: "failed", error: "target-lag: the target lags too far", finishedAt: new Date(), activeForServiceId: null } });
    await tick();
    await drillPass(lease, log);
    const now = await plan(created.id);
    expect(now.status).toBe("failed");
    expect(now.services[0]!.drill).toMatchObject({ status: "failed", passed: false });
    expect(now.drill).toMatchObject({ result: "failed", rule: "plan-drill-child-failed" });
  });

  it("is shown by the CLI with each child's drill and the overall result; a drill flag without --drill is a usage error", async () => {
    const env = { SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: operator.token };
    const dryRun = await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli drill", "--service", "orders-db", "--drill", "--switch-back", "--dry-run"], env);
    expect(dryRun, dryRun.err).toMatchObject({ code: 0 });
    expect(dryRun.out).toContain("A drill: each service's run is recorded as a drill with a canary, measured against its datasets' budgets, then switched back to aws:us-east-1.");
    expect((await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli drill", "--switch-back"], env)).code).toBe(2);

    const started = await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli drill", "--service", "orders-db", "--drill"], env);
    expect(started, started.err).toMatchObject({ code: 0 });
    const id = (await db().plan.findFirstOrThrow({ orderBy: { createdAt: "desc" } })).id;
    expect(started.out).toBe(`Started plan drill ${id} (1 service). Follow it: switchyard watch-plan ${id}\n`);
    await tick();
    const shown = await runCliCaptured(["show-plan", id], env);
    expect(shown.out).toContain(`Plan ${id}: switchover every write role out of aws:us-east-1 (a drill): running`);
    expect(shown.out).toContain("drill: PENDING — The plan drill is under way");
    expect(shown.out).toMatch(/orders-db\s+running.*\S+ running/);
  });
});

describe("a drill on a service whose policy requires approval", () => {
  beforeEach(() => requireDrillApproval(true));

  it("waits, refuses its requester's own approval and a person without the approver role, and starts its run once a second person approves", async () => {
    const started = await startDrill();
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const waiting = drillSchema.parse(started.json);
    expect(waiting).toMatchObject({ status: "awaiting_approval", runId: null, approval: { status: "pending", services: ["orders-db"], requestedBy: "drill-operator@example.com", decidedBy: null } });
    expect(Date.parse(waiting.approval!.expiresAt) - Date.parse(waiting.createdAt)).toBeGreaterThan(239 * 60_000);
    expect(await db().run.count({ where: { activeForServiceId: "orders-db" } })).toBe(0);
    // The drill loop starts nothing for a drill that waits.
    await drillPass(lease, log);
    expect((await drill(waiting.id)).status).toBe("awaiting_approval");

    const auditBefore = await db().auditEvent.count();
    const self = await decide(approveDrillRoute, waiting.id, operator.token);
    expect(self.status).toBe(403);
    const notApprover = await decide(approveDrillRoute, waiting.id, otherOperator);
    expect(notApprover.status).toBe(403);
    expect(notApprover.json.error.message).toContain("runs:approve");
    expect((await decide(approveDrillRoute, waiting.id, approver, "ok")).status).toBe(400);
    expect(await db().auditEvent.count()).toBe(auditBefore);
    expect((await drill(waiting.id)).status).toBe("awaiting_approval");

    // Self-approval is refused even when the requester holds the approver role too.
    const both = await createTestUser("drill-operator-approver@example.com", ["operator", "approver"]);
    const bothToken = await tokenFor(both.id);
    const own = drillSchema.parse((await startDrill(bothToken)).json);
    const ownApproval = await decide(approveDrillRoute, own.id, bothToken);
    expect(ownApproval.status).toBe(403);
    expect(ownApproval.json.error.message).toBe(
      "Refused (requester-cannot-approve): The person who asked for the drill (who started it or its plan, or created its schedule) cannot approve it: a second person must.",
    );
    await decide(rejectDrillRoute, own.id, bothToken, "withdrawn by its requester");

    const approved = await decide(approveDrillRoute, waiting.id, approver);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(drillSchema.parse(approved.json)).toMatchObject({ status: "starting", approval: { status: "approved", decidedBy: "drill-approver@example.com", note: "quiet hour, go ahead" } });
    expect((await decide(approveDrillRoute, waiting.id, approver)).status).toBe(409);

    await drillPass(lease, log);
    const running = await drill(waiting.id);
    expect(running.status).toBe("running");
    const run = await db().run.findUniqueOrThrow({ where: { id: running.runId! } });
    expect({ mode: run.mode, actorType: run.actorType, status: run.status }).toEqual({ mode: "guided", actorType: "automation", status: "running" });
    expect((await auditOf(waiting.id)).map((event) => [event.action, event.reason])).toEqual([
      ["drill.start", "rehearsal on production"],
      ["drill.approve", "quiet hour, go ahead"],
    ]);
  });

  it("ends with nothing started when rejected, with the note audited, and does not clear an earlier failed drill's alert", async () => {
    // Earlier tests' drills: the one still running ends here, before the failed one below, which is then the service's latest.
    await db().run.updateMany({ where: { activeForServiceId: "orders-db" }, data: { activeForServiceId: null, status: "aborted" } });
    await db().drill.updateMany({ where: { serviceId: "orders-db", finishedAt: null }, data: { status: "aborted", finishedAt: new Date(Date.now() - 5000) } });
    const failed = await db().drill.create({
      data: { serviceId: "orders-db", runbookId: "planned-switchover", params: {}, switchBack: false, status: "failed", error: "The drill's run failed.", finishedAt: new Date() },
    });
    const waiting = drillSchema.parse((await startDrill()).json);
    const rejected = await decide(rejectDrillRoute, waiting.id, approver, "not during the sale");
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    expect(drillSchema.parse(rejected.json)).toMatchObject({
      status: "rejected",
      runId: null,
      error: "The drill was rejected by drill-approver@example.com: not during the sale; nothing started.",
      approval: { status: "rejected", decidedBy: "drill-approver@example.com", note: "not during the sale" },
    });
    await drillPass(lease, log);
    expect(await db().run.count({ where: { activeForServiceId: "orders-db" } })).toBe(0);
    expect((await drill(waiting.id)).runId).toBeNull();
    expect((await decide(approveDrillRoute, waiting.id, approver)).status).toBe(409);
    const events = await auditOf(waiting.id);
    expect(events.map((event) => [event.action, event.reason, event.outcome])).toEqual([
      ["drill.start", "rehearsal on production", "success"],
      ["drill.reject", "not during the sale", "failure"],
    ]);
    expect(events[1]!.details).toMatchObject({ rule: "drill-rejected" });
    const alerts = detectAll((await gatherAlertFacts(new Date())).services, new Date()).filter((detection) => detection.ruleId === "drill-failed");
    expect(alerts.map((alert) => alert.sentence)).toEqual([`The planned-switchover drill ${failed.id} of orders-db failed: The drill's run failed.`]);
  });

  it("expires unapproved after the policy's time, starting nothing, and can no longer be approved", async () => {
    const waiting = drillSchema.parse((await startDrill()).json);
    await db().drillApproval.update({ where: { drillId: waiting.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await decide(approveDrillRoute, waiting.id, approver)).json.error.message).toMatch(/^The drill's approval expired/);
    await drillPass(lease, log);
    expect(await drill(waiting.id)).toMatchObject({ status: "expired", runId: null, approval: { status: "expired" } });
    expect((await auditOf(waiting.id)).map((event) => event.action)).toEqual(["drill.start", "drill.expire"]);
  });

  it("refuses a drill with a bad parameter at once, writing nothing, and answers 409 to a decision on a drill that needed no approval", async () => {
    const before = await tableCounts();
    const bad = await call(drillsRoute, { method: "POST", token: operator.token, body: { params: { service: "orders-db", to_region: "aws:mars-1", reason: "a drill to nowhere" } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^params\.to_region/);
    expect(await tableCounts()).toEqual(before);
    await requireDrillApproval(false);
    const free = drillSchema.parse((await startDrill()).json);
    expect(free).toMatchObject({ status: "running", approval: null });
    expect((await decide(approveDrillRoute, free.id, approver)).status).toBe(409);
    expect((await decide(approveDrillRoute, "no-such-drill", approver)).status).toBe(404);
  });

  it("makes a scheduled drill wait for someone other than the schedule's creator", async () => {
    const created = await call(createScheduleRoute, {
      method: "POST",
      token: operator.token,
      body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "weekly drill" }, everyDays: 7, firstDueAt: new Date(Date.now() - 60_000).toISOString(), inMaintenanceWindow: false },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await drillPass(lease, log);
    await drillPass(lease, log);
    const waiting = await db().drill.findFirstOrThrow({ where: { scheduleId: created.json.id }, include: { approval: true } });
    expect(waiting).toMatchObject({ status: "awaiting_approval", runId: null, approval: { requesterId: operator.id, status: "pending" } });
    expect((await decide(approveDrillRoute, waiting.id, operator.token)).status).toBe(403);
    expect((await decide(approveDrillRoute, waiting.id, approver)).status).toBe(200);
    await drillPass(lease, log);
    const running = await db().drill.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(running.status).toBe("running");
    const run = await db().run.findUniqueOrThrow({ where: { id: running.runId! } });
    expect((run.context as { confirmedInAdvance: string }).confirmedInAdvance).toMatch(/^confirmed in advance by drill-operator@example.com, who created drill schedule/);
  });
});

describe("a plan drill covering a service whose policy requires approval", () => {
  beforeEach(() => requireDrillApproval(true));

  it("says so in its dry run, waits as a whole for one approval before any service starts, and then records a drill per child", async () => {
    const dryRun = planDryRunSchema.parse((await createPlan({ drill: { switchBack: false }, dryRun: true })).json);
    expect(dryRun.drill).toMatchObject({ approvalRequiredBy: ["orders-db"] });
    expect(dryRun.drill!.sentence).toMatch(/It waits first for one approval by a second person, as orders-db requires, before any service starts/);

    const created = await createPlan({ drill: { switchBack: false } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const waiting = planSchema.parse(created.json);
    expect(waiting).toMatchObject({ status: "awaiting_approval", startedAt: null, drill: { result: "pending", approval: { status: "pending", services: ["orders-db"], requestedBy: "drill-operator@example.com" } } });
    await tick();
    await tick();
    expect((await plan(waiting.id)).services.map((service) => service.state)).toEqual(["pending", "pending"]);
    expect(await db().drill.count({ where: { planId: waiting.id } })).toBe(0);
    // Another plan over the same services would race it.
    expect((await createPlan({})).status).toBe(409);

    const self = await call(approvePlanRoute, { method: "POST", token: operator.token, params: { id: waiting.id }, body: { note: "mine" } });
    expect(self.status).toBe(403);
    const approved = await call(approvePlanRoute, { method: "POST", token: approver, params: { id: waiting.id }, body: { note: "go ahead" } });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(planSchema.parse(approved.json)).toMatchObject({ status: "running", drill: { approval: { status: "approved", decidedBy: "drill-approver@example.com", note: "go ahead" } } });

    await tick();
    const drills = await db().drill.findMany({ where: { planId: waiting.id } });
    expect(drills.map((row) => [row.serviceId, row.status])).toEqual([["orders-db", "running"]]);
    // The child drill does not wait again: its plan's approval covered it.
    expect(await db().drillApproval.count({ where: { drillId: drills[0]!.id } })).toBe(0);
    expect((await auditOf(waiting.id)).map((event) => [event.action, (event.details as { rule?: string } | null)?.rule])).toEqual([
      ["plan.schedule", "plan-drill-awaits-approval"],
      ["plan.approve", "drill-approved"],
      ["plan.service", "service-started"],
    ]);
  });

  it("ends with no service moved when rejected, and can be cancelled while it waits", async () => {
    const waiting = planSchema.parse((await createPlan({ drill: { switchBack: true } })).json);
    const rejected = await call(rejectPlanRoute, { method: "POST", token: approver, params: { id: waiting.id }, body: { note: "not this quarter" } });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    const ended = planSchema.parse(rejected.json);
    expect(ended).toMatchObject({ status: "cancelled", error: "The plan drill was rejected by drill-approver@example.com: not this quarter; no service moved.", drill: { result: "failed" } });
    expect(ended.services.map((service) => service.state)).toEqual(["cancelled", "cancelled"]);
    await tick();
    expect(await db().run.count({ where: { planId: waiting.id } })).toBe(0);

    const another = planSchema.parse((await createPlan({ drill: { switchBack: true } })).json);
    const cancelled = await call(cancelPlanRoute, { method: "POST", token: operator.token, params: { id: another.id }, body: { reason: "not tonight" } });
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBe(200);
    expect(cancelled.json.status).toBe("cancelled");
    // Its approval lapses quietly when it expires.
    await db().drillApproval.update({ where: { planId: another.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await drillPass(lease, log)).failures).toEqual({});
  });

  it("expires unapproved, ending the plan with no service moved", async () => {
    const waiting = planSchema.parse((await createPlan({ drill: { switchBack: false } })).json);
    await db().drillApproval.update({ where: { planId: waiting.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await drillPass(lease, log);
    const ended = await plan(waiting.id);
    expect(ended).toMatchObject({ status: "cancelled", drill: { result: "failed", approval: { status: "expired" } } });
    expect(ended.error).toMatch(/^The plan drill was not approved by .*: it expired; no service moved\.$/);
  });
});
