import { beforeAll, describe, expect, it } from "vitest";
import { POST as endPauseRoute } from "@/app/api/v1/automation/pauses/[id]/end/route";
import { GET as listPausesRoute, POST as pauseRoute } from "@/app/api/v1/automation/pauses/route";
import { GET as fleetRoute } from "@/app/api/v1/fleet/route";
import { POST as acknowledgeRoute } from "@/app/api/v1/services/[id]/automation/acknowledge/route";
import { GET as automationRoute } from "@/app/api/v1/services/[id]/automation/route";
import { automationPauseListSchema, automationPauseSchema, serviceAutomationSchema } from "@/contracts/automation";
import { fleetOverviewSchema } from "@/contracts/fleet-overview";
import { appendAuditEvent, SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { confirmedPrimaryLoss } from "../support/primary-loss";

/**
 * Stored pauses and failover acknowledgements, judged by the automation over
 * a confirmed loss of orders-db's primary (set up as in
 * automation-detection.test.ts) and shown on the fleet overview.
 */
let operator: string;
let viewer: string;

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function decision() {
  const { status, json } = await call(automationRoute, { token: viewer, params: { id: "orders-db" } });
  expect(status).toBe(200);
  const decisions = serviceAutomationSchema.parse(json).decisions;
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
}

/** The automation state as the service's own view gives it; it must agree with the fleet overview's. */
async function serviceState() {
  const { json } = await call(automationRoute, { token: viewer, params: { id: "orders-db" } });
  return serviceAutomationSchema.parse(json).state;
}

async function fleetAutomation(serviceId: string) {
  const { status, json } = await call(fleetRoute, { token: viewer });
  expect(status).toBe(200);
  return fleetOverviewSchema.parse(json).services.find((service) => service.id === serviceId)!.automation;
}

async function pause(body: unknown) {
  return call(pauseRoute, { method: "POST", token: operator, body });
}

async function endPause(id: string) {
  return call(endPauseRoute, { method: "POST", token: operator, params: { id } });
}

async function written() {
  const [pauses, acknowledgements, audit] = await Promise.all([db().automationPause.count(), db().automationAcknowledgement.count(), db().auditEvent.count()]);
  return { pauses, acknowledgements, audit };
}

async function lastAudit() {
  return db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
}

beforeAll(async () => {
  await seedDemoTopology(db());
  await db().service.create({ data: { id: "billing-db", name: "billing-db", engine: "postgresql" } });
  for (const version of await db().policyVersion.findMany()) {
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...(version.document as object), heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 } } } });
  }
  await confirmedPrimaryLoss();
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

describe("automation pauses", () => {
  it("starts from a confirmed loss the automation would fail over, and no brakes on the fleet overview", async () => {
    expect(await decision()).toMatchObject({ ruleId: "failover-automatic", action: { kind: "fail-over", candidateName: "pg-eu-west-1" } });
    expect((await fleetAutomation("orders-db")).state).toBe("on");
  });

  it("refuses bad input with 400 naming the field, and writes nothing", async () => {
    const before = await written();
    const cases: [unknown, string][] = [
      [{ scope: "orders-db", reason: "db", expiresAt: inMinutes(60) }, "reason"],
      [{ scope: "orders-db", reason: "disk maintenance", expiresAt: inMinutes(-1) }, "expiresAt"],
      [{ scope: "orders-db", reason: "disk maintenance", expiresAt: inMinutes(7 * 24 * 60 + 5) }, "expiresAt"],
      [{ scope: "orders-db", reason: "disk maintenance", expiresAt: "tomorrow" }, "expiresAt"],
      [{ reason: "disk maintenance", expiresAt: inMinutes(60) }, "scope"],
    ];
    for (const [body, field] of cases) {
      const { status, json } = await pause(body);
      expect(status, JSON.stringify(json)).toBe(400);
      expect(json.error.field).toBe(field);
    }
    const ack = await call(acknowledgeRoute, { method: "POST", token: operator, params: { id: "orders-db" }, body: { note: "" } });
    expect(ack.status).toBe(400);
    expect(ack.json.error.field).toBe("note");
    expect(await written()).toEqual(before);
  });

  it("answers 404 for an unknown service or pause, writing nothing", async () => {
    const before = await written();
    expect((await pause({ scope: "nope-db", reason: "disk maintenance", expiresAt: inMinutes(60) })).status).toBe(404);
    expect((await endPause("nope")).status).toBe(404);
    expect((await call(acknowledgeRoute, { method: "POST", token: operator, params: { id: "nope-db" }, body: { note: "checked it" } })).status).toBe(404);
    expect(await written()).toEqual(before);
  });

  it("pausing a service blocks its automatic failover, shows on the fleet overview, refuses a second pause and ends", async () => {
    const expiresAt = inMinutes(60);
    const created = await pause({ scope: "orders-db", reason: "storage maintenance", expiresAt });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const paused = automationPauseSchema.parse(created.json);
    expect(paused).toMatchObject({ scope: "service:orders-db", serviceId: "orders-db", reason: "storage maintenance", createdBy: "operator@example.com", state: "active" });
    expect(await lastAudit()).toMatchObject({ action: "automation.pause", actorLabel: "operator@example.com", targetId: paused.id, serviceId: "orders-db", reason: "storage maintenance" });

    const blocked = await decision();
    expect(blocked).toMatchObject({ ruleId: "failover-paused", action: { kind: "blocked", by: "paused" } });
    expect(blocked.sentence).toContain("automation is paused (storage maintenance)");
    const shown = await fleetAutomation("orders-db");
    expect(shown.state).toBe("paused");
    expect(shown.reason).toBe(`automation is paused (storage maintenance) until ${new Date(expiresAt).toISOString()}; detection and alerts only`);
    expect((await fleetAutomation("billing-db")).state).toBe("on");

    const before = await written();
    const second = await pause({ scope: "orders-db", reason: "another reason", expiresAt: inMinutes(30) });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toContain(paused.id);
    expect(await written()).toEqual(before);

    const list = automationPauseListSchema.parse((await call(listPausesRoute, { token: viewer })).json);
    expect(list.active.map((entry) => entry.id)).toEqual([paused.id]);

    const ended = await endPause(paused.id);
    expect(ended.status).toBe(200);
    expect(automationPauseSchema.parse(ended.json)).toMatchObject({ state: "ended", endedBy: "operator@example.com" });
    expect(await lastAudit()).toMatchObject({ action: "automation.resume", targetId: paused.id, serviceId: "orders-db" });
    expect(await decision()).toMatchObject({ ruleId: "failover-automatic", action: { kind: "fail-over" } });
    expect((await fleetAutomation("orders-db")).state).toBe("on");
    expect((await endPause(paused.id)).status).toBe(409);
  });

  it("a global pause applies to every service", async () => {
    const created = await pause({ scope: "global", reason: "region-wide incident", expiresAt: inMinutes(45) });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ scope: "global", serviceId: null });
    expect(await lastAudit()).toMatchObject({ action: "automation.pause", serviceId: null });
    expect(await decision()).toMatchObject({ ruleId: "failover-paused", action: { kind: "blocked", by: "paused" } });
    for (const serviceId of ["orders-db", "billing-db"]) {
      expect(await fleetAutomation(serviceId)).toMatchObject({ state: "paused", reason: expect.stringContaining("region-wide incident") });
    }
    expect((await endPause(created.json.id)).status).toBe(200);
    expect((await fleetAutomation("billing-db")).state).toBe("on");
  });

  it("an expired pause no longer applies, cannot be ended and frees its scope", async () => {
    const created = await pause({ scope: "orders-db", reason: "short maintenance", expiresAt: inMinutes(10) });
    expect(created.status).toBe(201);
    await db().automationPause.update({ where: { id: created.json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await decision()).toMatchObject({ ruleId: "failover-automatic", action: { kind: "fail-over" } });
    expect((await fleetAutomation("orders-db")).state).toBe("on");
    const list = automationPauseListSchema.parse((await call(listPausesRoute, { token: viewer })).json);
    expect(list.active).toEqual([]);
    expect(list.recent.find((entry) => entry.id === created.json.id)?.state).toBe("expired");
    expect((await endPause(created.json.id)).status).toBe(409);

    const next = await pause({ scope: "orders-db", reason: "longer maintenance", expiresAt: inMinutes(10) });
    expect(next.status, JSON.stringify(next.json)).toBe(201);
    expect((await endPause(next.json.id)).status).toBe(200);
  });
});

describe("cooldown after a failover", () => {
  it("blocks automatic failover until a person acknowledges the failover", async () => {
    // What the run engine recorded when a runbook promoted a new primary, before
    // promotions said whether they were planned: read as a failover, it starts the cooldown.
    await db().$transaction((tx) =>
      appendAuditEvent(tx, { actor: SYSTEM_ACTOR, action: "service.epoch", target: { type: "service", id: "orders-db" }, serviceId: "orders-db", before: { epoch: 1 }, after: { epoch: 2 } }),
    );
    const cooling = await decision();
    expect(cooling).toMatchObject({ ruleId: "failover-cooling-down", action: { kind: "blocked", by: "cooldown" } });
    expect(cooling.sentence).toContain("cooldown 15 min");
    expect((await fleetAutomation("orders-db")).state).toBe("cooling-down");
    expect(await serviceState()).toEqual(await fleetAutomation("orders-db"));

    const before = await written();
    const { status, json } = await call(acknowledgeRoute, { method: "POST", token: operator, params: { id: "orders-db" }, body: { note: "new primary checked, old one fenced" } });
    expect(status, JSON.stringify(json)).toBe(201);
    expect(json).toMatchObject({ serviceId: "orders-db", by: "operator@example.com", note: "new primary checked, old one fenced", lastFailoverAt: expect.any(String) });
    expect(await written()).toEqual({ ...before, acknowledgements: before.acknowledgements + 1, audit: before.audit + 1 });
    expect(await lastAudit()).toMatchObject({ action: "automation.acknowledge", actorLabel: "operator@example.com", serviceId: "orders-db", reason: "new primary checked, old one fenced" });

    expect(await decision()).toMatchObject({ ruleId: "failover-automatic", action: { kind: "fail-over" } });
    expect((await fleetAutomation("orders-db")).state).toBe("on");
  });

  it("a later failover needs a new acknowledgement", async () => {
    await db().$transaction((tx) =>
      appendAuditEvent(tx, { actor: SYSTEM_ACTOR, action: "service.epoch", target: { type: "service", id: "orders-db" }, serviceId: "orders-db", before: { epoch: 2 }, after: { epoch: 3 } }),
    );
    expect(await decision()).toMatchObject({ ruleId: "failover-cooling-down", action: { kind: "blocked", by: "cooldown" } });
  });
});
