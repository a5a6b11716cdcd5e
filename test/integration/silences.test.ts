import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as alertsRoute } from "@/app/api/v1/alerts/route";
import { POST as expireRoute } from "@/app/api/v1/silences/[id]/expire/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/silences/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { alertListSchema } from "@/contracts/alerts";
import { silenceListSchema, silenceSchema } from "@/contracts/silences";
import { GROUP_WAIT_MS } from "@/core/notifications/notification-groups";
import { registerAgent } from "@/server/agents/register-agent";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { deliverNotifications } from "@/server/alerts/deliver-notifications";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { call, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { batchOf } from "../support/reports";
import { DEMO_REPLICAS, demoReports, type DemoReplicaName } from "../support/demo-reports";
import { startAlertWebhook, type TestWebhook } from "../support/webhook";

/**
 * Silences, inhibition and grouping on the real store: agents report through
 * the ingest API, the evaluator runs as the lease holder does (alerts fire at
 * once: the policy's window is 0), and the webhook is a real HTTP server.
 * orders-db's primary is pg-us-east-1; its standbys pg-eu-west-1 and
 * pg-europe-west3.
 */
const HOUR = 3_600_000;

const agentTokens = {} as Record<DemoReplicaName, string>;
let lease: HeldLease;
let operator: string;
let viewer: string;
let webhook: TestWebhook;

const reportOf = demoReports();

const unreachable: Partial<AgentReport> = { reachable: false, error: "connection refused", role: null, walReceiver: null, lag: { bytes: null, seconds: null } };

/** Every agent reports (the unreachable ones as `unreachable` says), then one evaluation runs. */
async function tick(...down: DemoReplicaName[]) {
  for (const name of DEMO_REPLICAS) {
    const { status } = await call(ingestRoute, { method: "POST", token: agentTokens[name], body: batchOf([reportOf(name, down.includes(name) ? unreachable : {})]) });
    expect(status).toBe(200);
  }
  return (await evaluateAlerts(lease)).changes;
}

const openAlerts = async () => alertListSchema.parse((await call(alertsRoute, { path: "/api/v1/alerts?state=pending,firing", token: viewer })).json).alerts;
const silences = async () => silenceListSchema.parse((await call(listRoute, { token: viewer })).json);
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
const create = (body: object, token = operator) => call(createRoute, { method: "POST", token, body });
const writes = async () => ({ silences: await db().silence.count(), audit: await db().auditEvent.count() });
/** Delivers what is due once the group wait is over; answers what the webhook received meanwhile. */
async function delivered() {
  const before = webhook.received.length;
  await deliverNotifications(new Date(Date.now() + GROUP_WAIT_MS));
  return webhook.received.slice(before);
}

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of DEMO_REPLICAS) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    agentTokens[name] = (await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR)).token;
  }
  for (const version of await db().policyVersion.findMany()) {
    const document = version.document as { alerts: object };
    await db().policyVersion.update({ where: { id: version.id }, data: { document: { ...document, alerts: { ...document.alerts, forSeconds: 0 } } } });
  }
  await db().service.update({ where: { id: "orders-db" }, data: { labels: { tier: "critical" } } });
  lease = { name: ALERTING_LEASE, holder: "silences-test", token: (await acquireLease(ALERTING_LEASE, "silences-test", 600_000)).token };
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  webhook = await startAlertWebhook();
  expect(await tick()).toEqual([]);
});

afterAll(async () => {
  await webhook?.close();
});

describe("creating a silence", () => {
  it.each([
    ["no expiry", { serviceId: "orders-db", reason: "migrating" }, "endsAt"],
    ["an expiry in the past", { serviceId: "orders-db", endsAt: later(-1000), reason: "migrating" }, "endsAt"],
    ["an expiry more than 30 days away", { serviceId: "orders-db", endsAt: later(31 * 24 * HOUR), reason: "migrating" }, "endsAt"],
    ["an empty matcher", { endsAt: later(HOUR), reason: "migrating" }, "serviceId, ruleId or labels"],
    ["an unknown service", { serviceId: "nope-db", endsAt: later(HOUR), reason: "migrating" }, "serviceId"],
    ["an unknown rule", { ruleId: "disk-on-fire", endsAt: later(HOUR), reason: "migrating" }, "ruleId"],
    ["labels no service carries", { labels: { tier: "bronze" }, endsAt: later(HOUR), reason: "migrating" }, "labels"],
    ["no reason", { serviceId: "orders-db", endsAt: later(HOUR) }, "reason"],
  ])("refuses %s, naming the field, and writes nothing", async (_what, body, field) => {
    const before = await writes();
    const refused = await create(body);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain(field);
    expect(await writes()).toEqual(before);
  });

  it("is for operators: a viewer is refused and nothing is written", async () => {
    const before = await writes();
    expect((await create({ serviceId: "orders-db", endsAt: later(HOUR), reason: "migrating" }, viewer)).status).toBe(403);
    expect(await writes()).toEqual(before);
  });
});

describe("a silence of a service's rule", () => {
  let silenceId: string;

  it("is created with a reason and an expiry, audited", async () => {
    const created = await create({ serviceId: "orders-db", ruleId: "replica-unreachable", endsAt: later(HOUR), reason: "rebuilding the europe-west3 host" });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const silence = silenceSchema.parse(created.json);
    expect(silence).toMatchObject({ state: "active", createdBy: "operator@example.com", serviceId: "orders-db", ruleId: "replica-unreachable", mutes: [] });
    silenceId = silence.id;
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "silence.create" } })).toMatchObject({ targetId: silenceId, serviceId: "orders-db", reason: "rebuilding the europe-west3 host" });
  });

  it("mutes the alerts it matches: recorded, audited, shown silenced, sent to no webhook", async () => {
    const changes = await tick("pg-europe-west3");
    expect(changes).toEqual([expect.objectContaining({ kind: "open", ruleId: "replica-unreachable", state: "firing", maintenance: expect.stringContaining(`silence ${silenceId}`) })]);
    const [alert] = await openAlerts();
    expect(alert).toMatchObject({ subject: "pg-europe-west3", state: "firing", silencedBy: { id: silenceId, reason: "rebuilding the europe-west3 host" }, inhibitedBy: null });
    expect(alert!.maintenance).toContain(`silence ${silenceId} by operator@example.com`);
    const fired = await db().auditEvent.findFirstOrThrow({ where: { action: "alert.fire", targetId: alert!.id } });
    expect(fired.details).toMatchObject({ notSent: expect.stringContaining(`silence ${silenceId}`) });
    expect((await silences()).active).toEqual([expect.objectContaining({ id: silenceId, mutes: [expect.objectContaining({ id: alert!.id, subject: "pg-europe-west3" })] })]);
    expect(await db().alertNotification.count()).toBe(0);
    expect(await delivered()).toEqual([]);
  });

  it("expired early by an operator (audited), lets the alert still firing through at the next evaluation", async () => {
    const expired = await call(expireRoute, { method: "POST", token: operator, params: { id: silenceId } });
    expect(expired.status).toBe(200);
    expect(silenceSchema.parse(expired.json)).toMatchObject({ state: "expired", expiredBy: "operator@example.com" });
    expect(await db().auditEvent.count({ where: { action: "silence.expire", targetId: silenceId } })).toBe(1);
    const again = await call(expireRoute, { method: "POST", token: operator, params: { id: silenceId } });
    expect(again.status).toBe(409);
    expect((await call(expireRoute, { method: "POST", token: operator, params: { id: "nope" } })).status).toBe(404);
    expect((await silences()).expired.map((silence) => silence.id)).toEqual([silenceId]);

    expect((await tick("pg-europe-west3")).map((change) => change.kind)).toEqual(["release"]);
    expect(await openAlerts()).toEqual([expect.objectContaining({ maintenance: null, silencedBy: null })]);
    expect(await delivered()).toEqual([expect.objectContaining({ status: "firing", groupKey: "service:orders-db", alerts: [expect.objectContaining({ subject: "pg-europe-west3" })] })]);
  });

  it("resolving, the group is notified resolved", async () => {
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve"]);
    expect(await delivered()).toEqual([expect.objectContaining({ status: "resolved", alerts: [expect.objectContaining({ status: "resolved", subject: "pg-europe-west3" })] })]);
  });
});

describe("a silence by labels", () => {
  it("mutes the alerts of the services carrying them", async () => {
    const created = await create({ labels: { tier: "critical" }, endsAt: later(HOUR), reason: "tier-wide network change" });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await tick("pg-eu-west-1");
    expect(await openAlerts()).toEqual([expect.objectContaining({ subject: "pg-eu-west-1", silencedBy: expect.objectContaining({ id: created.json.id }) })]);
    expect((await silences()).active.find((silence) => silence.id === created.json.id)!.mutes).toHaveLength(1);
    expect(await delivered()).toEqual([]);
    await call(expireRoute, { method: "POST", token: operator, params: { id: created.json.id } });
    // It resolves before anyone was told of it: nobody is told of its resolution either.
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve"]);
    expect(await delivered()).toEqual([]);
  });
});

describe("inhibition and grouping", () => {
  it("standbys' unreachable alerts firing with their lost primary's are inhibited by it; one notification tells of the primary", async () => {
    const changes = await tick("pg-us-east-1", "pg-europe-west3");
    expect(changes).toHaveLength(2);
    const alerts = await openAlerts();
    const primary = alerts.find((alert) => alert.subject === "pg-us-east-1")!;
    const standby = alerts.find((alert) => alert.subject === "pg-europe-west3")!;
    expect(primary).toMatchObject({ ruleId: "replica-unreachable", maintenance: null, inhibitedBy: null });
    expect(standby).toMatchObject({
      ruleId: "replica-unreachable",
      maintenance: "inhibited by replica-unreachable on pg-us-east-1",
      inhibitedBy: { alertId: primary.id, ruleId: "replica-unreachable", subject: "pg-us-east-1", inhibitionRuleId: "lost-primary-inhibits-replica-unreachable" },
    });
    const fired = await db().auditEvent.findFirstOrThrow({ where: { action: "alert.fire", targetId: standby.id } });
    expect(fired.details).toMatchObject({ notSent: "inhibited by replica-unreachable on pg-us-east-1: not sent to webhooks" });
    expect(await delivered()).toEqual([expect.objectContaining({ status: "firing", alerts: [expect.objectContaining({ id: primary.id })] })]);
  });

  it("the primary back, the standby still unreachable is released and notified", async () => {
    const changes = await tick("pg-europe-west3");
    expect(changes.map((change) => change.kind).sort()).toEqual(["release", "resolve"]);
    const received = await delivered();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ status: "firing", groupKey: "service:orders-db" });
    expect(received[0]!.alerts.map((alert) => [alert.subject, alert.status])).toEqual([
      ["pg-europe-west3", "firing"],
      ["pg-us-east-1", "resolved"],
    ]);
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve"]);
    expect((await delivered()).map((payload) => payload.status)).toEqual(["resolved"]);
  });

  it("alerts firing together go out in one notification, and one joining in the group wait joins it", async () => {
    const before = await db().alertNotification.count();
    await tick("pg-eu-west-1", "pg-europe-west3");
    expect(await db().alertNotification.count()).toBe(before + 1);
    const received = await delivered();
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toMatch(/^\[FIRING\] orders-db: 2 alerts\n/);
    expect(received[0]!.alerts.map((alert) => alert.subject).sort()).toEqual(["pg-eu-west-1", "pg-europe-west3"]);
    expect((await tick()).map((change) => change.kind)).toEqual(["resolve", "resolve"]);
    await delivered();

    // Within the group wait: the second evaluation's alert joins the notification still waiting.
    await tick("pg-eu-west-1");
    await tick("pg-eu-west-1", "pg-europe-west3");
    expect(await db().alertNotification.count({ where: { deliveredAt: null } })).toBe(1);
    const joined = await delivered();
    expect(joined).toHaveLength(1);
    expect(joined[0]!.alerts.map((alert) => alert.subject).sort()).toEqual(["pg-eu-west-1", "pg-europe-west3"]);
  });
});
