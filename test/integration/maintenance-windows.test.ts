import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as alertsRoute } from "@/app/api/v1/alerts/route";
import { GET as fleetRoute } from "@/app/api/v1/fleet/route";
import { POST as emergencyRoute } from "@/app/api/v1/policies/[id]/emergency/route";
import { GET as automationRoute } from "@/app/api/v1/services/[id]/automation/route";
import { alertListSchema } from "@/contracts/alerts";
import { serviceAutomationSchema } from "@/contracts/automation";
import { fleetOverviewSchema } from "@/contracts/fleet-overview";
import { policyVersionSchema } from "@/contracts/policies";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { deliverNotifications } from "@/server/alerts/deliver-notifications";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { GROUP_WAIT_MS } from "@/core/notifications/notification-groups";
import { DECIDER_LEASE, decideOnce } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { ordersPolicy } from "../support/policies";
import { startAlertWebhook, type TestWebhook } from "../support/webhook";
import { confirmedPrimaryLoss } from "../support/primary-loss";

/**
 * Design rule "deliberate-changes-keep-protection": a maintenance window governance lets in acts. Added as an
 * emergency change over a confirmed loss of orders-db's primary (set up as in
 * automation-controls.test.ts), it holds automatic failover by `failover-maintenance-window`, and the
 * alerts raised while it is in force are recorded, audited and marked, but
 * not posted to the webhook (a real HTTP server) until the window ends.
 */
let operator: string;
let viewer: string;
let webhook: TestWebhook;
let alerting: HeldLease;

const WINDOW = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: "kernel patching" };
const LABEL = `maintenance window "kernel patching" until ${WINDOW.endsAt}`;

async function automation() {
  const { status, json } = await call(automationRoute, { token: viewer, params: { id: "orders-db" } });
  expect(status).toBe(200);
  const own = serviceAutomationSchema.parse(json);
  const fleet = fleetOverviewSchema.parse((await call(fleetRoute, { token: viewer })).json);
  expect(own.state).toEqual(fleet.services.find((service) => service.id === "orders-db")!.automation);
  return own;
}

const alertsNow = async () => alertListSchema.parse((await call(alertsRoute, { path: "/api/v1/alerts?serviceId=orders-db", token: viewer })).json).alerts;

/** Rewrites the window in the policy version in force, as a later approved change would. */
async function changeWindow(change: Partial<typeof WINDOW & { automaticFailover: "held" | "armed" }>) {
  const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" } });
  const version = await db().policyVersion.findFirstOrThrow({ where: { policyId: policy.id, version: policy.currentVersion } });
  const document = version.document as { maintenanceWindows: object[] };
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, maintenanceWindows: document.maintenanceWindows.map((window) => ({ ...window, ...change })) } } });
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const version of await db().policyVersion.findMany()) {
    const document = version.document as { alerts: object };
    await db().policyVersion.update({
      where: { id: version.id },
      data: { document: { ...document, heartbeat: { intervalSeconds: 10, missesBeforeUnfit: 6 }, alerts: { ...document.alerts, forSeconds: 0 } } },
    });
  }
  await confirmedPrimaryLoss();
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  alerting = { name: ALERTING_LEASE, holder: "maintenance-test", token: (await acquireLease(ALERTING_LEASE, "maintenance-test", 600_000)).token };

  webhook = await startAlertWebhook();
});

afterAll(async () => {
  await webhook?.close();
});

describe("a maintenance window in force", () => {
  it("starts from a confirmed loss the automation would fail over", async () => {
    expect((await automation()).decisions).toEqual([expect.objectContaining({ ruleId: "failover-automatic", action: expect.objectContaining({ kind: "fail-over" }) })]);
  });

  it("added as an emergency change, holds automatic failover by failover-maintenance-window and says why on the service and the fleet", async () => {
    const document = await ordersPolicy((d) => d.maintenanceWindows.push({ ...WINDOW, automaticFailover: "held" }));
    const applied = await call(emergencyRoute, { method: "POST", token: operator, params: { id: "service:orders-db" }, body: { document, reason: "patching the primary's host now" } });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    expect(policyVersionSchema.parse(applied.json).emergency).toBe(true);

    const held = await automation();
    expect(held.decisions).toEqual([
      expect.objectContaining({ ruleId: "failover-maintenance-window", action: { kind: "blocked", by: "maintenance" }, sentence: expect.stringContaining(`not failing over: the ${LABEL} holds automatic failover`) }),
    ]);
    expect(held.state).toMatchObject({ state: "maintenance", maintenance: expect.stringMatching(new RegExp(`^${LABEL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: automatic failover is held`)) });
    expect(held.acting).toBe(false);
  });

  it("marks the alerts raised in it, audits them, and posts none to the webhook, automatic-failover-held included", async () => {
    const decider = await acquireLease(DECIDER_LEASE, "maintenance-test", 60_000);
    await decideOnce({ name: DECIDER_LEASE, holder: "maintenance-test", token: decider.token });
    expect(await db().run.count()).toBe(0);

    await evaluateAlerts(alerting);
    const alerts = await alertsNow();
    expect(alerts.map((alert) => alert.ruleId)).toEqual(expect.arrayContaining(["heartbeat-stale", "automatic-failover-held"]));
    for (const alert of alerts) expect(alert).toMatchObject({ state: "firing", maintenance: LABEL });
    const fired = await db().auditEvent.findMany({ where: { action: "alert.fire", serviceId: "orders-db" } });
    expect(fired).toHaveLength(alerts.length);
    for (const event of fired) expect(event.details).toMatchObject({ notSent: `raised in a ${LABEL}: not sent to webhooks` });

    expect(await db().alertNotification.count()).toBe(0);
    await deliverNotifications(new Date(Date.now() + GROUP_WAIT_MS));
    expect(webhook.received).toEqual([]);
  });

  it("keeps automatic failover armed when the window says so, still keeping its alerts from the webhook", async () => {
    await changeWindow({ automaticFailover: "armed" });
    const armed = await automation();
    expect(armed.decisions).toEqual([expect.objectContaining({ ruleId: "failover-automatic" })]);
    expect(armed.state).toMatchObject({ state: "on", maintenance: expect.stringContaining("automatic failover stays armed, as the window says") });
    await evaluateAlerts(alerting);
    expect(await db().alertNotification.count()).toBe(0);
    await changeWindow({ automaticFailover: "held" });
  });

  it("once over, lets automatic failover act again and announces the alerts still firing", async () => {
    await changeWindow({ endsAt: new Date(Date.now() - 1000).toISOString() });
    const after = await automation();
    expect(after.decisions).toEqual([expect.objectContaining({ ruleId: "failover-automatic" })]);
    expect(after.state).toMatchObject({ state: "on", maintenance: null });

    await evaluateAlerts(alerting);
    const stale = (await alertsNow()).find((alert) => alert.ruleId === "heartbeat-stale")!;
    expect(stale).toMatchObject({ state: "firing", maintenance: null });
    await deliverNotifications(new Date(Date.now() + GROUP_WAIT_MS));
    // One notification for the service's group, listing what fires.
    expect(webhook.received).toHaveLength(1);
    expect(webhook.received[0]!.alerts.map((alert) => [alert.status, alert.rule])).toEqual(expect.arrayContaining([["firing", "heartbeat-stale"]]));
    const announced = await db().auditEvent.findFirstOrThrow({ where: { action: "alert.fire", targetId: stale.id }, orderBy: { seq: "desc" } });
    expect(announced.details).toMatchObject({ afterMaintenance: expect.any(String) });
  });
});
