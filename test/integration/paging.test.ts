import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as acknowledgeRoute } from "@/app/api/v1/alerts/[id]/acknowledge/route";
import { GET as alertEscalationRoute } from "@/app/api/v1/alerts/[id]/escalation/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import * as pagingContactRoute from "@/app/api/v1/account/paging-contact/route";
import * as policiesRoute from "@/app/api/v1/escalation-policies/route";
import * as scheduleRoute from "@/app/api/v1/oncall/schedules/[id]/route";
import * as schedulesRoute from "@/app/api/v1/oncall/schedules/route";
import { POST as assignRoute } from "@/app/api/v1/services/[id]/escalation-policy/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { registerAgent } from "@/server/agents/register-agent";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { deliverNotifications } from "@/server/alerts/deliver-notifications";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { LeaseLostError, type HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { escalate } from "@/server/oncall/escalate";
import { PAGING_LEASE } from "@/server/oncall/escalation-loop";
import { call, consoleSession, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { batchOf, standbyReport } from "../support/reports";

/**
 * Paging on the real store: the alert evaluator fires a critical alert (the
 * policy's window set to 0 s), escalation runs as its lease holder does with
 * an injected `now`, and each person's receiver is a real HTTP server that
 * records what it is sent, in the format of their paging contact.
 */
const MINUTE = 60_000;
let alerting: HeldLease;
let paging: HeldLease;
let operator: string;
let adaId: string;
let bobId: string;
let europeToken: string;
let seq = 0;
let receiver: { server: Server; base: string; received: { path: string; body: any }[] };

async function startReceiver() {
  const received: { path: string; body: any }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", body: JSON.parse(body) });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** pg-europe-west3's agent reports (unreachable or not), then one evaluation runs. */
async function report(overrides: Partial<AgentReport>) {
  seq += 1;
  expect((await call(ingestRoute, { method: "POST", token: europeToken, body: batchOf([standbyReport(seq, overrides)]) })).status).toBe(200);
  await evaluateAlerts(alerting);
}
const unreachable: Partial<AgentReport> = { reachable: false, error: "connection refused", role: null, walReceiver: null, lag: { bytes: null, seconds: null } };

const pagesTo = (path: string) => receiver.received.filter((entry) => entry.path === path).map((entry) => entry.body);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  await seedDemoTopology(db());
  const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-europe-west3" } });
  europeToken = (await registerAgent({ replicaId: replica.id, name: "agent-europe" }, SYSTEM_ACTOR)).token;
  const version = await db().policyVersion.findFirstOrThrow({ where: { policy: { scope: "service:orders-db" } }, orderBy: { version: "desc" } });
  const document = version.document as { alerts: { forSeconds: number } };
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, alerts: { ...document.alerts, forSeconds: 0 } } } });

  alerting = { name: ALERTING_LEASE, holder: "paging-test", token: (await acquireLease(ALERTING_LEASE, "paging-test", 600_000)).token };
  paging = { name: PAGING_LEASE, holder: "paging-test", token: (await acquireLease(PAGING_LEASE, "paging-test", 600_000)).token };
  receiver = await startReceiver();

  const ada = await createTestUser("ada@example.com", ["operator"]);
  const bob = await createTestUser("bob@example.com", ["viewer"]);
  adaId = ada.id;
  bobId = bob.id;
  operator = await tokenFor(ada.id);
  const adaContact = await call(pagingContactRoute.POST, {
    method: "POST",
    ...(await consoleSession(ada.id)),
    body: { format: "alertmanager", url: `${receiver.base}/ada`, timeZone: "Europe/Berlin" },
  });
  expect(adaContact.status, JSON.stringify(adaContact.json)).toBe(200);
  const bobContact = await call(pagingContactRoute.POST, {
    method: "POST",
    ...(await consoleSession(bob.id)),
    body: { format: "pagerduty", url: `${receiver.base}/bob`, routingKey: "R0UT1NGKEY", timeZone: "America/New_York" },
  });
  expect(bobContact.json).toMatchObject({ contact: { format: "pagerduty", hasRoutingKey: true, timeZone: "America/New_York" } });
  expect(JSON.stringify(bobContact.json)).not.toContain("R0UT1NGKEY");
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.server.close(resolve));
});

describe("refusing bad on-call input, naming the field, writing nothing", () => {
  const written = () => Promise.all([db().onCallSchedule.count(), db().escalationPolicy.count(), db().auditEvent.count()]);
  const level = { timeoutMinutes: 5, targets: [{ type: "user", email: "ada@example.com" }] };
  const cases: [string, () => Promise<{ status: number; json: any }>, number, RegExp][] = [
    ["a schedule with no people", async () => call(schedulesRoute.POST, { method: "POST", token: operator, body: { name: "s", timeZone: "UTC", period: "weekly", startDate: "2026-12-07", handoffTime: "09:00", people: [] } }), 400, /^people: must name at least one person$/],
    ["a schedule in an unknown time zone", async () => call(schedulesRoute.POST, { method: "POST", token: operator, body: { name: "s", timeZone: "Mars/Base", period: "weekly", startDate: "2026-12-07", handoffTime: "09:00", people: ["ada@example.com"] } }), 400, /^timeZone: must be an IANA time zone/],
    ["a schedule naming an unknown person", async () => call(schedulesRoute.POST, { method: "POST", token: operator, body: { name: "s", timeZone: "UTC", period: "daily", startDate: "2026-12-07", handoffTime: "09:00", people: ["ada@example.com", "nobody@example.com"] } }), 400, /^people\.1: no user has the email nobody@example.com\.$/],
    ["a policy with no levels", async () => call(policiesRoute.POST, { method: "POST", token: operator, body: { name: "p", levels: [] } }), 400, /^levels: must have at least one level$/],
    ["a level with no targets", async () => call(policiesRoute.POST, { method: "POST", token: operator, body: { name: "p", levels: [{ timeoutMinutes: 5, targets: [] }] } }), 400, /^levels\.0\.targets: must name at least one person or schedule$/],
    ["a timeout under a minute", async () => call(policiesRoute.POST, { method: "POST", token: operator, body: { name: "p", levels: [level, { ...level, timeoutMinutes: 0 }] } }), 400, /^levels\.1\.timeoutMinutes: must be at least 1 minute$/],
    ["an unknown person in a level", async () => call(policiesRoute.POST, { method: "POST", token: operator, body: { name: "p", levels: [{ timeoutMinutes: 5, targets: [{ type: "user", email: "ghost@example.com" }] }] } }), 400, /^levels\.0\.targets\.0\.email: no user has the email ghost@example.com\.$/],
    ["an unknown schedule in a level", async () => call(policiesRoute.POST, { method: "POST", token: operator, body: { name: "p", levels: [{ timeoutMinutes: 5, targets: [{ type: "schedule", scheduleId: "nope" }] }] } }), 400, /^levels\.0\.targets\.0\.scheduleId: no on-call schedule has the id nope\.$/],
  ];
  for (const [what, send, status, message] of cases) {
    it(what, async () => {
      const before = await written();
      const { status: answered, json } = await send();
      expect(answered).toBe(status);
      expect(json.error.message).toMatch(message);
      expect(await written()).toEqual(before);
    });
  }
});

describe("a critical alert escalating through a two-level policy", () => {
  let alertId: string;
  let firedAt: Date;
  let scheduleId: string;

  it("sets up: bob's weekly rotation, a policy paging ada then the rotation after 1 minute each, assigned to orders-db", async () => {
    const schedule = await call(schedulesRoute.POST, {
      method: "POST",
      token: operator,
      body: { name: "database on-call", timeZone: "Europe/Berlin", period: "weekly", startDate: daysAgo(10), handoffTime: "09:00", people: ["bob@example.com"] },
    });
    expect(schedule.status, JSON.stringify(schedule.json)).toBe(201);
    scheduleId = schedule.json.id;
    expect(schedule.json.onCallNow).toMatchObject({ source: "rotation", people: [{ email: "bob@example.com", timeZone: "America/New_York" }] });
    const policy = await call(policiesRoute.POST, {
      method: "POST",
      token: operator,
      body: {
        name: "databases",
        levels: [
          { timeoutMinutes: 1, targets: [{ type: "user", email: "ada@example.com" }] },
          { timeoutMinutes: 1, targets: [{ type: "schedule", scheduleId }] },
        ],
      },
    });
    expect(policy.status, JSON.stringify(policy.json)).toBe(201);
    expect(policy.json.levels[1].targets[0]).toMatchObject({ type: "schedule", name: "database on-call", onCallNow: [{ email: "bob@example.com" }] });
    const assigned = await call(assignRoute, { method: "POST", token: operator, params: { id: "orders-db" }, body: { policyId: policy.json.id } });
    expect(assigned.json).toEqual({ serviceId: "orders-db", policy: { id: policy.json.id, name: "databases" }, inherited: false });
  });

  it("a schedule an escalation policy names cannot be deleted", async () => {
    const refused = await call(scheduleRoute.DELETE, { method: "DELETE", token: operator, params: { id: scheduleId } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/named by the escalation policies "databases"/);
  });

  it("fires: level 1 (ada) is paged at once, in Alertmanager's format", async () => {
    await report({});
    await report(unreachable);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "replica-unreachable", state: "firing" } });
    alertId = alert.id;
    firedAt = alert.firedAt!;
    expect(alert.severity).toBe("critical");

    expect(await escalate(paging, new Date(firedAt.getTime() + 1_000))).toEqual({ paged: 1, followUps: 0 });
    expect(await deliverNotifications(new Date(firedAt.getTime() + 1_000))).toEqual({ delivered: 1, failed: 0 });
    const [page] = pagesTo("/ada");
    expect(page).toMatchObject({
      version: "4",
      status: "firing",
      receiver: "ada@example.com",
      groupKey: `switchyard-alert:${alertId}`,
      groupLabels: { service: "orders-db" },
      alerts: [
        {
          status: "firing",
          labels: { alertname: "replica-unreachable", severity: "critical", service: "orders-db", subject: "pg-europe-west3" },
          annotations: { summary: "Replica unreachable", description: "pg-europe-west3 does not answer its agent" },
          endsAt: "0001-01-01T00:00:00Z",
        },
      ],
    });
    expect(pagesTo("/bob")).toEqual([]);
  });

  it("no acknowledgement within the minute: nobody else is paged before it ends", async () => {
    expect(await escalate(paging, new Date(firedAt.getTime() + 1_000 + MINUTE - 1))).toEqual({ paged: 0, followUps: 0 });
    const view = await call(alertEscalationRoute, { token: operator, params: { id: alertId } });
    expect(view.json).toMatchObject({
      policy: { name: "databases" },
      now: { rule: "wait-for-acknowledgement", escalatesAt: new Date(firedAt.getTime() + 1_000 + MINUTE).toISOString() },
      pages: [{ level: 1, person: { email: "ada@example.com" }, rule: "page-first-level", delivery: "delivered" }],
    });
  });

  it("after the timeout level 2 is paged: whoever the rotation has on call (bob), in PagerDuty's format", async () => {
    const at = new Date(firedAt.getTime() + 1_000 + MINUTE);
    expect(await escalate(paging, at)).toEqual({ paged: 1, followUps: 0 });
    await deliverNotifications(at);
    expect(pagesTo("/bob")).toEqual([
      expect.objectContaining({
        routing_key: "R0UT1NGKEY",
        event_action: "trigger",
        dedup_key: `switchyard-alert:${alertId}`,
        payload: expect.objectContaining({ summary: "orders-db: Replica unreachable — pg-europe-west3 does not answer its agent", source: "orders-db", severity: "critical" }),
      }),
    ]);
    const page = await db().alertPage.findFirstOrThrow({ where: { alertId, level: 1 } });
    expect(page).toMatchObject({ userId: bobId, scheduleId, rule: "escalate-after-timeout", sentence: "not acknowledged within level 1's timeout: paged level 2 of 2" });
    // The last level's timeout passing pages nobody more.
    expect(await escalate(paging, new Date(at.getTime() + 5 * MINUTE))).toEqual({ paged: 0, followUps: 0 });
  });

  it("acknowledging stops escalation; PagerDuty is told of the acknowledgement, Alertmanager has no such message", async () => {
    const acknowledged = await call(acknowledgeRoute, { method: "POST", token: operator, params: { id: alertId }, body: { note: "on it" } });
    expect(acknowledged.status).toBe(200);
    const later = new Date(firedAt.getTime() + 30 * MINUTE);
    expect(await escalate(paging, later)).toEqual({ paged: 0, followUps: 1 });
    expect(await escalate(paging, later)).toEqual({ paged: 0, followUps: 0 });
    await deliverNotifications(later);
    expect(pagesTo("/bob").at(-1)).toEqual(expect.objectContaining({ event_action: "acknowledge", dedup_key: `switchyard-alert:${alertId}` }));
    expect(pagesTo("/bob").at(-1)).not.toHaveProperty("payload");
    expect(pagesTo("/ada")).toHaveLength(1);
    expect(await db().alertPage.count({ where: { alertId } })).toBe(2);
  });

  it("resolution tells every paged receiver, each in its format", async () => {
    await report({});
    expect((await db().alert.findUniqueOrThrow({ where: { id: alertId } })).state).toBe("resolved");
    const at = new Date(firedAt.getTime() + 31 * MINUTE);
    expect(await escalate(paging, at)).toEqual({ paged: 0, followUps: 2 });
    await deliverNotifications(at);
    expect(pagesTo("/ada").at(-1)).toMatchObject({ status: "resolved", alerts: [{ status: "resolved" }] });
    expect(pagesTo("/bob").at(-1)).toMatchObject({ event_action: "resolve" });
  });

  it("every page and the acknowledgement are in the audit trail", async () => {
    const events = await db().auditEvent.findMany({ where: { targetId: alertId, action: { in: ["alert.page", "alert.acknowledge", "alert.page_follow_up"] } }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.action, event.actorLabel, event.reason])).toEqual([
      ["alert.page", "escalation", "paged level 1 of 2"],
      ["alert.page", "escalation", "not acknowledged within level 1's timeout: paged level 2 of 2"],
      ["alert.acknowledge", "ada@example.com", "on it"],
      ["alert.page_follow_up", "escalation", "acknowledged by ada@example.com: paged people's PagerDuty told"],
      ["alert.page_follow_up", "escalation", "the alert resolved: paged people's receivers told"],
    ]);
    expect(events[0]!.after).toMatchObject({ level: 1, person: "ada@example.com", format: "alertmanager" });
    expect(events[1]!.after).toMatchObject({ level: 2, person: "bob@example.com", format: "pagerduty", schedule: scheduleId });
  });
});

describe("resolution before the timeout", () => {
  it("stops escalation: level 2 is never paged (and a copy without the lease pages nobody)", async () => {
    await report(unreachable);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "replica-unreachable", state: "firing" } });
    const firedAt = alert.firedAt!;
    // A copy that lost the paging lease pages nobody.
    await expect(escalate({ ...paging, token: paging.token - 1n }, firedAt)).rejects.toThrow(LeaseLostError);
    expect(await db().alertPage.count({ where: { alertId: alert.id } })).toBe(0);
    expect(await escalate(paging, firedAt)).toMatchObject({ paged: 1 });
    await report({});
    expect(await escalate(paging, new Date(firedAt.getTime() + 10 * MINUTE))).toEqual({ paged: 0, followUps: 1 });
    expect(await db().alertPage.findMany({ where: { alertId: alert.id }, select: { level: true, userId: true } })).toEqual([{ level: 0, userId: adaId }]);
  });
});
