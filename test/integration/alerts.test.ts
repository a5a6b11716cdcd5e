import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as acknowledgeRoute } from "@/app/api/v1/alerts/[id]/acknowledge/route";
import { GET as alertsRoute } from "@/app/api/v1/alerts/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { alertListSchema } from "@/contracts/alerts";
import { registerAgent } from "@/server/agents/register-agent";
import { deliverNotifications } from "@/server/alerts/deliver-notifications";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { GROUP_WAIT_MS } from "@/core/notifications/notification-groups";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import { LeaseLostError, type HeldLease } from "@/server/lease/assert-lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";
import { batchOf } from "../support/reports";
import { DEMO_REPLICAS, demoReports, type DemoReplicaName } from "../support/demo-reports";
import { startAlertWebhook, type TestWebhook } from "../support/webhook";

/**
 * Alert evaluation on the real store: agents' reports go in through the
 * ingest API, the evaluator runs as the lease holder does, and the webhook is
 * a real HTTP server that fails before it succeeds. The service's policy
 * window is shortened to 2 s so the test waits for real time.
 */
const FOR_SECONDS = 2;

const agentTokens = {} as Record<DemoReplicaName, string>;
let lease: HeldLease;
let operator: string;
let viewer: string;
let webhook: TestWebhook;

const reportOf = demoReports();

/** Every agent reports (europe-west3 as `europe` says, the primary as `primary` says), then one evaluation runs. */
async function tick(europe: Partial<AgentReport> = {}, primary: Partial<AgentReport> = {}) {
  for (const name of DEMO_REPLICAS) {
    const overrides = name === "pg-europe-west3" ? europe : name === "pg-us-east-1" ? primary : {};
    const { status } = await call(ingestRoute, { method: "POST", token: agentTokens[name], body: batchOf([reportOf(name, overrides)]) });
    expect(status).toBe(200);
  }
  return (await evaluateAlerts(lease)).changes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alertsOf = async (query = "") => alertListSchema.parse((await call(alertsRoute, { path: `/api/v1/alerts${query}`, token: viewer })).json);
const unreachable: Partial<AgentReport> = { reachable: false, error: "connection refused", role: null, walReceiver: null, lag: { bytes: null, seconds: null } };

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of DEMO_REPLICAS) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    agentTokens[name] = (await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR)).token;
  }
  const version = await db().policyVersion.findFirstOrThrow({ where: { policy: { scope: "service:orders-db" } }, orderBy: { version: "desc" } });
  const document = version.document as { alerts: { forSeconds: number } };
  await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, alerts: { ...document.alerts, forSeconds: FOR_SECONDS } } } });

  const grant = await acquireLease(ALERTING_LEASE, "alerts-test", 600_000);
  lease = { name: ALERTING_LEASE, holder: "alerts-test", token: grant.token };
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);

  webhook = await startAlertWebhook();
});

afterAll(async () => {
  await webhook?.close();
});

describe("alert evaluation", () => {
  it("raises nothing while every replica reports healthy", async () => {
    expect(await tick()).toEqual([]);
    expect(await db().alert.count()).toBe(0);
  });

  it("a blip shorter than the window is pending, then resolves silently: no audit event, no notification", async () => {
    const auditBefore = await db().auditEvent.count({ where: { action: { startsWith: "alert." } } });
    await tick(unreachable);
    expect((await alertsOf("?state=pending")).alerts).toMatchObject([{ ruleId: "replica-unreachable", subject: "pg-europe-west3", state: "pending", firedAt: null }]);
    await sleep(500);
    await tick();
    const [blip] = (await alertsOf()).alerts;
    expect(blip).toMatchObject({ state: "resolved", firedAt: null });
    expect(await db().auditEvent.count({ where: { action: { startsWith: "alert." } } })).toBe(auditBefore);
    expect(await db().alertNotification.count()).toBe(0);
  });

  it("a condition that lasts the window fires once, with an audit event and a notification retried until the webhook takes it", async () => {
    await tick(unreachable);
    await sleep(FOR_SECONDS * 1000 + 200);
    const changes = await tick(unreachable);
    expect(changes.map((change) => change.kind)).toEqual(["fire"]);
    await tick(unreachable);
    const firing = (await alertsOf("?state=firing")).alerts;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ ruleId: "replica-unreachable", severity: "critical", sentence: "pg-europe-west3 does not answer its agent", policyVersion: 1 });

    const audit = await db().auditEvent.findMany({ where: { action: "alert.fire" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ serviceId: "orders-db", targetId: firing[0]!.id, actorLabel: "alerting", reason: "pg-europe-west3 does not answer its agent" });

    webhook.failNext(2);
    // Sent once the group wait is over, not before.
    expect(await deliverNotifications(new Date())).toEqual({ delivered: 0, failed: 0 });
    expect(webhook.received).toEqual([]);
    const start = new Date(Date.now() + GROUP_WAIT_MS);
    expect(await deliverNotifications(start)).toEqual({ delivered: 0, failed: 0 });
    // Not due again before its backoff (1 s, then 2 s).
    expect(await deliverNotifications(new Date(start.getTime() + 500))).toEqual({ delivered: 0, failed: 0 });
    expect(await deliverNotifications(new Date(start.getTime() + 1_100))).toEqual({ delivered: 0, failed: 0 });
    expect(await deliverNotifications(new Date(start.getTime() + 3_200))).toEqual({ delivered: 1, failed: 0 });
    expect(webhook.received).toEqual([
      expect.objectContaining({
        status: "firing",
        groupKey: "service:orders-db",
        text: "[FIRING] orders-db: Replica unreachable — pg-europe-west3 does not answer its agent",
        alerts: [expect.objectContaining({ id: firing[0]!.id, rule: "replica-unreachable", status: "firing", subject: "pg-europe-west3" })],
      }),
    ]);
    expect(await db().alertNotification.findFirstOrThrow()).toMatchObject({ attempts: 3, lastError: null });
  });

  it("operators acknowledge with a note (audited); twice, an unknown alert or an empty note are refused and write nothing", async () => {
    const [alert] = (await alertsOf("?state=firing")).alerts;
    const path = `/api/v1/alerts/${alert!.id}/acknowledge`;
    const before = await tableCounts();
    const empty = await call(acknowledgeRoute, { method: "POST", path, params: { id: alert!.id }, token: operator, body: { note: " " } });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toContain("note");
    expect((await call(acknowledgeRoute, { method: "POST", params: { id: "nope" }, token: operator, body: { note: "on it" } })).status).toBe(404);
    expect(await tableCounts()).toEqual(before);

    const acknowledged = await call(acknowledgeRoute, { method: "POST", path, params: { id: alert!.id }, token: operator, body: { note: "restarting the europe-west3 host" } });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.json.acknowledged).toMatchObject({ by: "operator@example.com", note: "restarting the europe-west3 host" });
    expect(await db().auditEvent.count({ where: { action: "alert.acknowledge", targetId: alert!.id } })).toBe(1);
    const again = await call(acknowledgeRoute, { method: "POST", path, params: { id: alert!.id }, token: operator, body: { note: "me too" } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain("already acknowledged by operator@example.com");
  });

  it("resolves when the condition clears, audited and notified, in each webhook's format; the list filters and counts", async () => {
    // The same receiver three times over: Switchyard's JSON, Alertmanager's webhook and a PagerDuty event.
    const plain = process.env.SWITCHYARD_ALERT_WEBHOOKS!;
    process.env.SWITCHYARD_ALERT_WEBHOOKS = `${plain} alertmanager=${plain}/am pagerduty=${plain}/pd#ROUTINGKEY1`;
    const changes = await tick();
    process.env.SWITCHYARD_ALERT_WEBHOOKS = plain;
    expect(changes.map((change) => change.kind)).toEqual(["resolve"]);
    expect(await db().auditEvent.count({ where: { action: "alert.resolve" } })).toBe(1);
    await deliverNotifications(new Date(Date.now() + GROUP_WAIT_MS));
    const [first, ...resolutions] = webhook.received as unknown as Record<string, unknown>[];
    expect(first!.status).toBe("firing");
    expect(resolutions).toHaveLength(3);
    expect(resolutions.find((body) => "text" in body)).toMatchObject({ status: "resolved", service: "orders-db" });
    expect(resolutions.find((body) => body.version === "4")).toMatchObject({ status: "resolved", receiver: "switchyard", groupLabels: { service: "orders-db" }, alerts: [{ status: "resolved", labels: { alertname: "replica-unreachable" } }] });
    expect(resolutions.find((body) => "routing_key" in body)).toMatchObject({ routing_key: "ROUTINGKEY1", event_action: "resolve" });

    const all = await alertsOf();
    expect(all.counts).toEqual({ pending: 0, firing: 0, resolved: 2 });
    expect(all.rules.map((rule) => rule.id)).toContain("replica-unreachable");
    expect((await alertsOf("?state=firing")).alerts).toEqual([]);
    expect((await alertsOf("?serviceId=billing-db")).counts).toEqual({ pending: 0, firing: 0, resolved: 0 });
    const bad = await call(alertsRoute, { path: "/api/v1/alerts?state=burning", token: viewer });
    expect(bad.status).toBe(400);

    const resolved = all.alerts.find((alert) => alert.firedAt !== null)!;
    const late = await call(acknowledgeRoute, { method: "POST", params: { id: resolved.id }, token: operator, body: { note: "late" } });
    expect(late.status).toBe(409);
  });

  it("drift: a primary that names no synchronous standby while the policy asks for sync replication raises sync-standby-missing", async () => {
    const drifted = { settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "off" }, standbys: [] };
    const changes = await tick({}, drifted);
    expect(changes).toEqual([expect.objectContaining({ kind: "open", ruleId: "sync-standby-missing", state: "pending" })]);
    const [alert] = (await alertsOf("?ruleId=sync-standby-missing&state=pending")).alerts;
    expect(alert).toMatchObject({ subject: "pg-us-east-1", sentence: "pg-us-east-1 names no synchronous standby: commits do not wait for any standby, so RPO 0 is not guaranteed" });
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve"]);
  });

  it("a replication slot on the primary keeping more WAL than the policy allows raises slot-retaining-wal, from the slot as reported", async () => {
    const slots = [
      { name: "cdc", active: false, retainedBytes: 2 * 1024 ** 3, walStatus: "extended" },
      { name: "pg_eu_west_1", active: true, retainedBytes: 4096, walStatus: "reserved" },
    ];
    const changes = await tick({}, { slots });
    expect(changes).toEqual([expect.objectContaining({ kind: "open", ruleId: "slot-retaining-wal", state: "pending" })]);
    const [alert] = (await alertsOf("?ruleId=slot-retaining-wal&state=pending")).alerts;
    expect(alert).toMatchObject({ subject: "pg-us-east-1 slot cdc", sentence: "slot cdc on pg-us-east-1 retains 2.0 GiB of WAL, over the policy maximum of 1.0 GiB" });
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve"]);
  });

  it("a copy that lost the alerting lease writes nothing", async () => {
    const stale: HeldLease = { ...lease, token: lease.token - 1n };
    const before = await db().alert.count();
    await expect(async () => {
      await call(ingestRoute, { method: "POST", token: agentTokens["pg-europe-west3"], body: batchOf([reportOf("pg-europe-west3", unreachable)]) });
      await evaluateAlerts(stale);
    }).rejects.toThrow(LeaseLostError);
    expect(await db().alert.count()).toBe(before);
  });
});
