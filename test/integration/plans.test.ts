import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as abortRoute } from "@/app/api/v1/plans/[id]/abort/route";
import { POST as cancelRoute } from "@/app/api/v1/plans/[id]/cancel/route";
import { POST as pauseRoute } from "@/app/api/v1/plans/[id]/pause/route";
import { POST as resumeRoute } from "@/app/api/v1/plans/[id]/resume/route";
import { GET as getPlanRoute } from "@/app/api/v1/plans/[id]/route";
import { GET as listPlansRoute, POST as plansRoute } from "@/app/api/v1/plans/route";
import { planDryRunSchema, planSchema, type PlanView } from "@/contracts/plans";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { acquireLease } from "@/server/lease/lease";
import { executorTick } from "@/server/executor/run-executor";
import { evacuationsNow } from "@/server/plans/evacuations";
import { runView } from "@/server/runs/run-view";
import { OPERATIONS } from "@/contracts/operations";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { runCliCaptured } from "../support/cli";
import { seedDemoTopology } from "../support/demo-topology";
import { driveUntilPlanEnds as drivePlan } from "../support/plans";
import { demoAgents, STANDBY } from "../support/demo-agents";

const server = new ApiServer([
  { op: OPERATIONS.createPlan, handler: plansRoute },
  { op: OPERATIONS.getPlan, handler: getPlanRoute },
  { op: OPERATIONS.cancelPlan, handler: cancelRoute },
]);
const agents = demoAgents();
const { principals, report } = agents;
let operator: { id: string; token: string };
const failOnError = (line: string) => {
  throw new Error(`executor: ${line}`);
};
const tick = () => executorTick("plan-test-copy", failOnError);

const healthy = agents.healthy;

const createPlan = (body: Record<string, unknown>, token = operator.token) => call(plansRoute, { method: "POST", token, body: { regionId: "aws:us-east-1", reason: "provider maintenance in us-east-1", ...body } });
const plan = async (id: string): Promise<PlanView> => planSchema.parse((await call(getPlanRoute, { token: operator.token, params: { id } })).json);
const control = (route: typeof pauseRoute, id: string, reason: string) => call(route, { method: "POST", token: operator.token, params: { id }, body: { reason } });

const driveUntilPlanEnds = (planId: string, ticks?: number) => drivePlan(planId, { report: agents.report, tick, plan }, ticks);

beforeAll(async () => {
  await seedDemoTopology(db());
  await agents.register();
  await server.start();
  const op = await createTestUser("plan-operator@example.com", ["operator"]);
  operator = { id: op.id, token: await tokenFor(op.id) };
  // A second service whose primary is already outside us-east-1: a plan that names it has nothing to move for it.
  await db().service.create({ data: { id: "catalog-db", name: "Catalog", engine: "postgresql" } });
  const catalog = await db().replica.create({ data: { serviceId: "catalog-db", name: "catalog-eu-west-1", regionId: "aws:eu-west-1", role: "primary", engine: "postgresql", replication: "sync", host: "127.0.0.1", port: 1, databaseName: "catalog" } });
  await db().service.update({ where: { id: "catalog-db" }, data: { writeReplicaId: catalog.id } });
});

afterAll(async () => {
  await server.stop();
  expect((await verifyAuditChain(db())).intact).toBe(true);
});

beforeEach(async () => {
  await db().plan.updateMany({ where: { status: { in: ["scheduled", "running", "paused"] } }, data: { status: "aborted" } });
  await db().planService.updateMany({ where: { state: { in: ["pending", "running"] } }, data: { state: "cancelled" } });
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  const us = principals["pg-us-east-1"]!.replicaId;
  await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: us } });
  await db().replica.updateMany({ where: { serviceId: "orders-db" }, data: { role: "standby", noPromote: false } });
  await db().replica.update({ where: { id: us }, data: { role: "primary" } });
  await db().agentCommand.updateMany({ where: { status: { in: ["pending", "delivered"] } }, data: { status: "expired" } });
  await db().lease.deleteMany({ where: { name: "run-executor" } });
  await healthy();
});

describe("a region evacuation's dry run", () => {
  it("shows per service the target candidate selection picks outside the region, every check, residency and RPO, and writes nothing", async () => {
    const before = await tableCounts();
    const answer = await createPlan({ services: ["orders-db", "catalog-db"], dryRun: true });
    expect(answer.status).toBe(200);
    const dryRun = planDryRunSchema.parse(answer.json);
    const [orders, catalog] = dryRun.services;
    expect(orders).toMatchObject({ serviceId: "orders-db", inRegion: true, primary: "pg-us-east-1", target: "pg-eu-west-1", targetRegionId: "aws:eu-west-1", runbookId: "planned-switchover", blockers: [] });
    expect(orders!.steps.find((step) => step.id === "target-streaming")?.condition).toMatchObject({ holds: true });
    expect(orders!.residency.map((verdict) => verdict.holds)).toEqual([true, true]);
    expect(orders!.rpo.every((verdict) => verdict.holds)).toBe(true);
    expect(catalog).toMatchObject({ serviceId: "catalog-db", inRegion: false, primaryRegionId: "aws:eu-west-1", blockers: [] });
    expect(dryRun.cannotMove).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    expect(await db().plan.count({ where: { reason: "provider maintenance in us-east-1" } })).toBe(0);
  });

  it("takes every service carrying the labels asked for whose primary is in the region", async () => {
    await db().service.update({ where: { id: "orders-db" }, data: { labels: { tier: "critical", team: "checkout" } } });
    await db().service.update({ where: { id: "catalog-db" }, data: { labels: { tier: "critical" } } });
    const dryRun = planDryRunSchema.parse((await createPlan({ labels: { tier: "critical" }, dryRun: true })).json);
    expect(dryRun.services.map((service) => service.serviceId)).toEqual(["orders-db"]);
  });

  it("says which services cannot move and why", async () => {
    await db().replica.updateMany({ where: { serviceId: "orders-db", role: "standby" }, data: { noPromote: true } });
    const dryRun = planDryRunSchema.parse((await createPlan({ dryRun: true })).json);
    expect(dryRun.cannotMove).toEqual([{ serviceId: "orders-db", reasons: [expect.stringMatching(/^no standby outside aws:us-east-1 may be promoted: .*marked never to be promoted/)] }]);
  });
});

describe("bad plans", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["an unknown region", { regionId: "aws:mars-1" }, "regionId", /no region aws:mars-1/],
    ["an unknown service", { regionId: "aws:us-east-1", services: ["orders-db", "ghost-db"] }, "services.1", /no service ghost-db/],
    ["a service named twice", { regionId: "aws:us-east-1", services: ["orders-db", "orders-db"] }, "services", /named twice/],
    [
      "a dependency cycle",
      { regionId: "aws:us-east-1", services: ["orders-db", "catalog-db"], order: { dependencies: [{ service: "orders-db", after: ["catalog-db"] }, { service: "catalog-db", after: ["orders-db"] }] } },
      "order",
      /cycle: catalog-db waits for orders-db waits for catalog-db/,
    ],
    ["an order naming a service outside the plan", { regionId: "aws:us-east-1", order: { groups: [["orders-db"], ["billing-db"]] } }, "order.groups.1.0", /billing-db is not one of the plan's services/],
    ["a concurrency of 0", { regionId: "aws:us-east-1", concurrency: 0 }, "concurrency", /at least 1/],
    ["a schedule in the past", { regionId: "aws:us-east-1", scheduledAt: new Date(Date.now() - 3_600_000).toISOString() }, "scheduledAt", /in the past/],
    ["a window required without a time", { regionId: "aws:us-east-1", inMaintenanceWindow: true }, "inMaintenanceWindow", /needs scheduledAt/],
    [
      "a time outside the maintenance window it requires",
      { regionId: "aws:us-east-1", scheduledAt: new Date(Date.now() + 3_600_000).toISOString(), inMaintenanceWindow: true },
      "scheduledAt",
      /^scheduledAt: orders-db: \S+ is outside every maintenance window of the service's policy/,
    ],
    ["a region with no primary in it", { regionId: "gcp:europe-west3" }, "regionId", /no service has its primary in gcp:europe-west3/],
    ["labels no service in the region carries", { regionId: "aws:us-east-1", labels: { tier: "bronze" } }, "labels", /no service with the labels tier=bronze has its primary in aws:us-east-1/],
    ["both services and labels", { regionId: "aws:us-east-1", services: ["orders-db"], labels: { tier: "critical" } }, "labels", /not both/],
    ["a malformed label name", { regionId: "aws:us-east-1", labels: { "Tier!": "critical" } }, "labels", /label name/],
  ];
  it.each(cases)("refuses %s with 400 naming the field, writing nothing", async (_name, body, field, message) => {
    const before = await tableCounts();
    const plansBefore = await db().plan.count();
    const answer = await createPlan(body);
    expect(answer.status).toBe(400);
    expect(answer.json.error.field ?? answer.json.error.issues?.[0]?.path).toBeDefined();
    expect(JSON.stringify(answer.json.error)).toContain(field);
    expect(answer.json.error.message).toMatch(message);
    expect(await tableCounts()).toEqual(before);
    expect(await db().plan.count()).toBe(plansBefore);
  });

  it("refuses a viewer (403) and a role limited to services (403), writing nothing", async () => {
    const viewer = await tokenFor((await createTestUser(`plan-viewer-${Date.now()}@example.com`, ["viewer"])).id);
    const plansBefore = await db().plan.count();
    expect((await createPlan({ regionId: "aws:us-east-1" }, viewer)).status).toBe(403);
    const limitedUser = await createTestUser(`plan-limited-${Date.now()}@example.com`, ["operator"]);
    await db().roleScope.create({ data: { userId: limitedUser.id, role: "operator", serviceIds: ["orders-db"] } });
    const limited = await createPlan({ regionId: "aws:us-east-1" }, await tokenFor(limitedUser.id));
    expect(limited.status).toBe(403);
    expect(limited.json.error.message).toMatch(/fleet as a whole/);
    expect(await db().plan.count()).toBe(plansBefore);
  });
});

describe("executing a plan", () => {
  it("starts one run per service in order, answers the runs' confirmations by the plan, and ends succeeded; one unit in the audit trail", async () => {
    const created = await createPlan({ regionId: "aws:us-east-1", services: ["catalog-db", "orders-db"], order: { groups: [["orders-db"], ["catalog-db"]] } });
    expect(created.status).toBe(201);
    const planId = planSchema.parse(created.json).id;
    // A second plan over the same service would race the first for it.
    expect((await createPlan({ regionId: "aws:us-east-1" })).status).toBe(409);

    await tick();
    let now = await plan(planId);
    const catalog = () => now.services.find((service) => service.serviceId === "catalog-db")!;
    const orders = () => now.services.find((service) => service.serviceId === "orders-db")!;
    expect(orders()).toMatchObject({ state: "running", rule: "service-started", run: { runbookId: "planned-switchover", target: "pg-eu-west-1" } });
    expect(catalog()).toMatchObject({ state: "pending", rule: "service-waits-for-dependency", plannedTarget: null });
    expect(orders().plannedTarget).toBe("pg-eu-west-1");

    now = await driveUntilPlanEnds(planId);
    expect(now.status).toBe("succeeded");
    expect(orders()).toMatchObject({ state: "succeeded", rule: "service-run-succeeded" });
    expect(catalog()).toMatchObject({ state: "not_needed", rule: "service-has-nothing-to-move", note: "its primary catalog-eu-west-1 is in aws:eu-west-1" });
    expect(Date.parse(catalog().finishedAt!)).toBeGreaterThanOrEqual(Date.parse(orders().finishedAt!));

    const run = await runView(orders().run!.id);
    expect(run.status).toBe("succeeded");
    expect(run.startedBy).toBe("plan-operator@example.com");
    expect(run.steps.find((step) => step.stepId === "confirm")).toMatchObject({ state: "succeeded", output: { answeredBy: "in advance" } });
    expect((await db().service.findUniqueOrThrow({ where: { id: "orders-db" }, include: { writeReplica: true } })).writeReplica?.name).toBe("pg-eu-west-1");

    const planEvents = await db().auditEvent.findMany({ where: { targetType: "plan", targetId: planId }, orderBy: { seq: "asc" } });
    expect(planEvents.map((event) => [event.action, (event.details as { rule: string }).rule])).toEqual([
      ["plan.start", "plan-started"],
      ["plan.service", "service-started"],
      ["plan.service", "service-run-succeeded"],
      ["plan.service", "service-has-nothing-to-move"],
      ["plan.finish", "every-service-moved"],
    ]);
    const runStart = await db().auditEvent.findFirstOrThrow({ where: { action: "run.start", runId: run.id } });
    expect(runStart.details).toMatchObject({ plan: planId });
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ planId });

    const listed = (await call(listPlansRoute, { token: operator.token })).json.plans;
    expect(listed[0]).toMatchObject({ id: planId, status: "succeeded", counts: { succeeded: 1, not_needed: 1 } });
  });

  it("pauses and resumes a plan with its run, and an abort aborts the run and cancels what has not started", async () => {
    const planId = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db", "catalog-db"], order: { groups: [["orders-db"], ["catalog-db"]] } })).json).id;
    await tick();
    const runId = (await plan(planId)).services[0]!.run!.id;
    expect((await control(pauseRoute, planId, "hold on")).status).toBe(200);
    expect((await runView(runId)).status).toBe("paused");
    await tick();
    expect((await plan(planId)).services[1]!.state).toBe("pending");
    expect((await control(pauseRoute, planId, "again")).status).toBe(409);
    expect((await control(resumeRoute, planId, "go on")).status).toBe(200);
    expect((await runView(runId)).status).toBe("running");

    expect((await control(abortRoute, planId, "the provider postponed")).status).toBe(200);
    await tick();
    await tick();
    const now = await plan(planId);
    expect(now.status).toBe("aborted");
    expect(now.error).toMatch(/^aborted by plan-operator@example.com: the provider postponed/);
    expect(["aborted", "compensating"]).toContain((await runView(runId)).status);
    expect(now.services[1]).toMatchObject({ state: "cancelled", rule: "plan-aborted" });
    expect((await control(resumeRoute, planId, "too late")).status).toBe(409);
  });

  it("promotes the standby its dry run showed at the start, even when another lags less by its turn, and says so when it must choose again", async () => {
    const planned = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db"] })).json);
    expect(planned.services[0]!.plannedTarget).toBe("pg-eu-west-1");
    await report("pg-eu-west-1", STANDBY("900", 100_000));
    // Candidate selection alone would now pick the other standby, which lags less.
    const unplanned = await evacuationsNow({ regionId: "aws:us-east-1", mode: "switchover", reason: "what selection says now", serviceIds: ["orders-db"] });
    expect(unplanned.get("orders-db")?.target).toBe("pg-europe-west3");
    await tick();
    expect((await plan(planned.id)).services[0]).toMatchObject({ state: "running", run: { target: "pg-eu-west-1" }, note: "planned-switchover to pg-eu-west-1 (aws:eu-west-1)" });
    expect((await control(abortRoute, planned.id, "next case")).status).toBe(200);
    await tick();

    await healthy();
    const second = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db"] })).json);
    expect(second.services[0]!.plannedTarget).toBe("pg-eu-west-1");
    await db().replica.updateMany({ where: { name: "pg-eu-west-1" }, data: { noPromote: true } });
    await tick();
    expect((await plan(second.id)).services[0]).toMatchObject({
      state: "running",
      run: { target: "pg-europe-west3" },
      note: "planned-switchover to pg-europe-west3 (gcp:europe-west3) instead of pg-eu-west-1, which may no longer be promoted",
    });
  });

  it("with the stop policy, starts nothing after a service fails to start", async () => {
    await db().replica.updateMany({ where: { serviceId: "orders-db", role: "standby" }, data: { noPromote: true } });
    const planId = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db", "catalog-db"], order: { groups: [["orders-db"], ["catalog-db"]] } })).json).id;
    const now = await driveUntilPlanEnds(planId, 5);
    expect(now.status).toBe("failed");
    expect(now.services[0]).toMatchObject({ state: "failed", rule: "service-cannot-start", note: expect.stringMatching(/no standby outside aws:us-east-1 may be promoted/) });
    expect(now.services[1]).toMatchObject({ state: "cancelled", rule: "service-stopped-by-failure" });
    expect(now.services[0]!.run).toBeNull();
  });

  it("stops starting runs for a person who was disabled since", async () => {
    const owner = await createTestUser(`plan-owner-${Date.now()}@example.com`, ["operator"]);
    const planId = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db"] }, await tokenFor(owner.id))).json).id;
    await db().user.update({ where: { id: owner.id }, data: { disabled: true } });
    const now = await driveUntilPlanEnds(planId, 3);
    expect(now.services[0]).toMatchObject({ state: "failed", note: expect.stringMatching(/who started the plan, is disabled/) });
    expect(await db().run.count({ where: { planId } })).toBe(0);
  });
});

describe("a scheduled plan", () => {
  it("shows as scheduled, starts by itself at its time, and can be cancelled before", async () => {
    const soon = new Date(Date.now() + 1_500).toISOString();
    const planId = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db"], scheduledAt: soon })).json).id;
    expect(await plan(planId)).toMatchObject({ status: "scheduled", scheduledAt: soon, startedAt: null });
    await tick();
    expect((await plan(planId)).status).toBe("scheduled");
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await healthy();
    expect((await driveUntilPlanEnds(planId)).status).toBe("succeeded");

    const later = planSchema.parse((await createPlan({ regionId: "aws:eu-west-1", services: ["catalog-db"], scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })).json);
    expect((await control(cancelRoute, later.id, "not tonight")).status).toBe(200);
    expect(await plan(later.id)).toMatchObject({ status: "cancelled", services: [{ state: "cancelled" }] });
    expect((await control(cancelRoute, later.id, "twice")).status).toBe(409);
  });

  it("refuses to start, saying why, when its pre-checks fail at its time", async () => {
    const soon = new Date(Date.now() + 1_000).toISOString();
    const planId = planSchema.parse((await createPlan({ regionId: "aws:us-east-1", services: ["orders-db"], scheduledAt: soon })).json).id;
    await db().replica.updateMany({ where: { serviceId: "orders-db", role: "standby" }, data: { noPromote: true } });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await tick();
    const now = await plan(planId);
    expect(now).toMatchObject({ status: "failed", error: expect.stringMatching(/^not started at its time: orders-db: its pre-checks fail now: no standby outside/) });
    expect(now.services[0]).toMatchObject({ state: "cancelled", rule: "scheduled-plan-refused" });
    expect(await db().run.count({ where: { planId } })).toBe(0);
    const refusal = await db().auditEvent.findFirstOrThrow({ where: { targetType: "plan", targetId: planId, action: "plan.finish" } });
    expect(refusal).toMatchObject({ outcome: "failure", details: { rule: "scheduled-plan-refused", due: "pre-checks-fail" } });

    // The service's on-call hears of it: the refusal is an alert on every service the plan covered.
    const alerting = { name: ALERTING_LEASE, holder: "plan-test-copy", token: (await acquireLease(ALERTING_LEASE, "plan-test-copy", 600_000)).token };
    await evaluateAlerts(alerting);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "scheduled-run-refused", subjectKey: `plan:${planId}` } });
    // Pending until the policy's alerts.forSeconds has passed, then firing.
    expect(alert).toMatchObject({ serviceId: "orders-db", state: "pending" });
    expect(alert.sentence).toBe(`region evacuation plan out of aws:us-east-1 scheduled for ${soon} on orders-db did not start: ${now.error}`);
  });
});

describe("the CLI", () => {
  it("dry-runs an evacuation as a table, schedules one, follows it and cancels it", async () => {
    const env = { SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: operator.token };
    const plansBefore = await db().plan.count();
    const dryRun = await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli dry run", "--service", "orders-db", "--service", "catalog-db", "--group", "orders-db", "--group", "catalog-db", "--dry-run"], env);
    expect(dryRun, dryRun.err).toMatchObject({ code: 0 });
    expect(dryRun.out).toMatch(/^Dry run: switchover out of aws:us-east-1, 1 at a time \(stop on failure\)/);
    expect(dryRun.out).toMatch(/orders-db\s+moves\s+pg-us-east-1\s+pg-eu-west-1 \(aws:eu-west-1\)/);
    expect(dryRun.out).toMatch(/catalog-db\s+nothing to move/);
    expect(await db().plan.count()).toBe(plansBefore);

    const bad = await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli cycle", "--service", "orders-db", "--service", "catalog-db", "--after", "orders-db:catalog-db", "--after", "catalog-db:orders-db"], env);
    expect(bad).toMatchObject({ code: 1, err: expect.stringContaining("order: the order has a cycle") });
    expect((await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli", "--concurrency", "two"], env)).code).toBe(2);

    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await runCliCaptured(["evacuate", "aws:us-east-1", "--reason", "cli schedule", "--service", "orders-db", "--at", at], env);
    expect(scheduled, scheduled.err).toMatchObject({ code: 0 });
    const id = (await db().plan.findFirstOrThrow({ where: { status: "scheduled" }, orderBy: { createdAt: "desc" } })).id;
    expect(scheduled.out).toBe(`Scheduled plan ${id} (1 service). Follow it: switchyard watch-plan ${id}\n`);
    const cancelled = await runCliCaptured(["cancel-plan", id, "--reason", "not tonight"], env);
    expect(cancelled, cancelled.err).toMatchObject({ code: 0 });
    expect(cancelled.out).toContain(`Plan ${id}: switchover every write role out of aws:us-east-1: cancelled — cancelled by plan-operator@example.com: not tonight`);
    const watched = await runCliCaptured(["watch-plan", id], env, { sleep: async () => {} });
    expect(watched).toMatchObject({ code: 1 });
    expect(watched.out).toMatch(/plan \S+: cancelled/);
  });
});

