import { beforeAll, describe, expect, it } from "vitest";
import { POST as createSchedule } from "@/app/api/v1/drill-schedules/route";
import { POST as disableSchedule } from "@/app/api/v1/drill-schedules/[id]/disable/route";
import { detectAll } from "@/core/alerts/alert-rules";
import { gatherAlertFacts } from "@/server/alerts/alert-facts";
import { db } from "@/server/db/client";
import { DRILLS_LEASE, drillPass } from "@/server/drills/drill-loop";
import { acquireLease } from "@/server/lease/lease";
import type { HeldLease } from "@/server/lease/assert-lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";

/**
 * Repeating drills on the real store, the drill loop's pass run as its lease
 * holder would: a due schedule starts a drill (and its run) only when its
 * maintenance-window condition allows, an overdue one and a failed drill
 * raise their alerts. The drill's run is not executed here (no executor, no
 * lab): the lab test runs drills for real.
 */
let lease: HeldLease;
let operator: string;
const DAY_MS = 86_400_000;
const log = () => undefined;

beforeAll(async () => {
  await seedDemoTopology(db());
  operator = await tokenFor((await createTestUser("drills@example.com", ["operator"])).id);
  const grant = await acquireLease(DRILLS_LEASE, "drill-schedules-test", 600_000);
  if (!grant.held) throw new Error("could not take the drills lease");
  lease = { name: DRILLS_LEASE, holder: "drill-schedules-test", token: grant.token };
});

const schedule = (body: Record<string, unknown>) =>
  call(createSchedule, { method: "POST", token: operator, body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "weekly drill" }, everyDays: 7, ...body } });

const alertsOf = async (ruleId: string) => detectAll((await gatherAlertFacts(new Date())).services, new Date()).filter((detection) => detection.ruleId === ruleId);

describe("repeating drills", () => {
  it("hold a due drill outside a maintenance window, and say it is overdue past the grace", async () => {
    const dueAt = new Date(Date.now() - 2 * DAY_MS);
    const created = await schedule({ firstDueAt: dueAt.toISOString() });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json.overdue).toMatch(/^The planned-switchover drill of orders-db was due .* and has not run for 2 days past it\.$/);

    await drillPass(lease, log);
    expect(await db().drill.count()).toBe(0);
    expect((await db().drillSchedule.findUniqueOrThrow({ where: { id: created.json.id } })).nextDueAt).toEqual(dueAt);
    expect((await alertsOf("drill-overdue")).map((alert) => [alert.serviceId, alert.subject.key, alert.sentence])).toEqual([
      ["orders-db", `drill-schedule:${created.json.id}`, created.json.overdue],
    ]);
    // Disabled with a reason (audited), it is overdue no more; a second disable, or an unknown schedule, is refused and writes nothing.
    const disable = (id: string, reason = "the service moves to a new platform") => call(disableSchedule, { method: "POST", token: operator, params: { id }, body: { reason } });
    const disabled = await disable(created.json.id);
    expect(disabled.status, JSON.stringify(disabled.json)).toBe(200);
    expect(disabled.json).toMatchObject({ overdue: null, disabledAt: expect.any(String) });
    expect(await alertsOf("drill-overdue")).toEqual([]);
    const events = () => db().auditEvent.count({ where: { action: "drill_schedule.disable" } });
    expect(await events()).toBe(1);
    expect((await disable(created.json.id)).status).toBe(409);
    expect((await disable("no-such-schedule")).status).toBe(404);
    expect((await disable(created.json.id, "no")).status).toBe(400);
    expect(await events()).toBe(1);
  });

  it("start a due drill and its run once, move the due time a period on, and raise drill-failed when it fails", async () => {
    const dueAt = new Date(Date.now() - 60_000);
    const created = await schedule({ firstDueAt: dueAt.toISOString(), inMaintenanceWindow: false });
    expect(created.status, JSON.stringify(created.json)).toBe(201);

    await drillPass(lease, log);
    await drillPass(lease, log);
    const drills = await db().drill.findMany({ where: { scheduleId: created.json.id } });
    expect(drills).toHaveLength(1);
    const drill = drills[0]!;
    // No lab in this store's folder: no canary, so the run starts at once, guided, its confirmation given in advance by the schedule's creator.
    expect(drill).toMatchObject({ status: "running", serviceId: "orders-db", originalRegionId: "aws:us-east-1", switchBack: true });
    const run = await db().run.findUniqueOrThrow({ where: { id: drill.runId! } });
    expect({ mode: run.mode, actorType: run.actorType, runbookId: run.runbookId }).toEqual({ mode: "guided", actorType: "automation", runbookId: "planned-switchover" });
    expect((run.context as { confirmedInAdvance: string }).confirmedInAdvance).toBe(`confirmed in advance by drills@example.com, who created drill schedule ${created.json.id} (every 7 days)`);
    expect((await db().drillSchedule.findUniqueOrThrow({ where: { id: created.json.id } })).nextDueAt).toEqual(new Date(dueAt.getTime() + 7 * DAY_MS));
    expect(await db().auditEvent.count({ where: { action: "drill.start", targetId: drill.id } })).toBe(1);

    // The run fails (as a person aborting it or a failed check would end it): the drill fails, and says why.
    await db().run.update({ where: { id: run.id }, data: { status: "failed", error: "target-lag: the target lags too far", finishedAt: new Date(), activeForServiceId: null } });
    await drillPass(lease, log);
    const failed = await db().drill.findUniqueOrThrow({ where: { id: drill.id }, include: { report: true } });
    expect({ status: failed.status, error: failed.error }).toEqual({ status: "failed", error: "The drill's run failed: target-lag: the target lags too far." });
    expect(failed.report).toMatchObject({ passed: false, observedRtoMs: null, lostWrites: null });
    expect((failed.report!.canary as { measured: boolean; sentence: string }).sentence).toMatch(/^No canary ran: .* \(set SWITCHYARD_DRILL_CANARY_ORDERS_DB to a postgresql:\/\/ connection string\); RTO comes from the agents' reports and RPO was not measured\.$/);
    expect((failed.report!.verdicts as { rule: string }[]).map((verdict) => verdict.rule)).toEqual(["rto-not-measured", "rpo-not-measured", "rto-not-measured", "rpo-not-measured"]);
    expect((await alertsOf("drill-failed")).map((alert) => alert.sentence)).toEqual([`The planned-switchover drill ${drill.id} of orders-db failed: The drill's run failed: target-lag: the target lags too far.`]);
  });

  it("start no drill for a schedule whose creator may no longer operate runs on the service", async () => {
    const creator = await createTestUser(`drills-leaver-${Date.now()}@example.com`, ["operator"]);
    const created = await call(createSchedule, {
      method: "POST",
      token: await tokenFor(creator.id),
      body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "weekly drill" }, everyDays: 7, firstDueAt: new Date(Date.now() - 60_000).toISOString(), inMaintenanceWindow: false },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await db().user.update({ where: { id: creator.id }, data: { disabled: true } });
    await drillPass(lease, log);
    await drillPass(lease, log);
    const drill = await db().drill.findFirstOrThrow({ where: { scheduleId: created.json.id } });
    expect(drill).toMatchObject({ status: "failed", runId: null, error: expect.stringMatching(/its schedule's creator may not start it: .*, who scheduled it, is disabled/) });
  });
});

