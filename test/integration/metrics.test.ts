import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as metricsRoute } from "@/app/api/v1/metrics/route";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import { holderOf, thisCopy } from "@/server/loops/lease-loop";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";
import { sampleValue, scrape } from "../support/scrape";

let agentToken: string;
let scraper: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
  agentToken = (await registerAgent({ replicaId: replica.id, name: "metrics-agent" }, SYSTEM_ACTOR)).token;
  scraper = await tokenFor((await createTestUser("prometheus@example.com", ["viewer"])).id, { scopes: ["metrics"] });
});

const ingest = (reports: ReturnType<typeof standbyReport>[]) => call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token: agentToken, body: batchOf(reports) });

describe("GET /api/v1/metrics", () => {
  it("is refused without a token, and to a token whose scopes do not admit it; a metrics token reads nothing else", async () => {
    expect((await call(metricsRoute)).status).toBe(401);
    const admin = await createTestUser("admin@example.com", ["admin"]);
    const adminOnly = await tokenFor(admin.id, { scopes: ["admin"] });
    const refused = await call(metricsRoute, { token: adminOnly });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/scope read or metrics/);
    expect((await call(metricsRoute, { token: await tokenFor(admin.id, { scopes: ["read"] }) })).status).toBe(200);
    const { GET: fleetRoute } = await import("@/app/api/v1/fleet/route");
    expect((await call(fleetRoute, { token: scraper })).status).toBe(403);
  });

  it("counts an ingested batch: its reports, their age at arrival, and the request by route and status", async () => {
    const before = await scrape(scraper);
    const observedAt = new Date(Date.now() - 3_000).toISOString();
    const stored = await ingest([1, 2, 3].map((seq) => standbyReport(seq, { observedAt })));
    expect(stored.status).toBe(200);
    expect((await ingest([standbyReport(3)])).status).toBe(409);
    const after = await scrape(scraper);

    const rose = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(rose("switchyard_ingest_reports_total")).toBe(3);
    expect(rose("switchyard_ingest_batches_total", { outcome: "stored" })).toBe(1);
    expect(rose("switchyard_ingest_batches_total", { outcome: "duplicate" })).toBe(1);
    expect(rose("switchyard_ingest_report_age_seconds_count")).toBe(3);
    // Observed three seconds before they were sent: none of them is younger than 2.5 s on arrival.
    expect(rose("switchyard_ingest_report_age_seconds_bucket", { le: "2" })).toBe(0);
    expect(rose("switchyard_ingest_report_age_seconds_bucket", { le: "5" })).toBe(3);
    expect(rose("switchyard_http_requests_total", { method: "POST", route: "/api/v1/agents/reports", status: "200" })).toBe(1);
    expect(rose("switchyard_http_requests_total", { method: "POST", route: "/api/v1/agents/reports", status: "409" })).toBe(1);
    // The first scrape itself was answered (200) before the second read the counters.
    expect(rose("switchyard_http_requests_total", { method: "GET", route: "/api/v1/metrics", status: "200" })).toBe(1);
  });

  it("names the copy holding each lease, whether it is this copy, and the lease's fencing token", async () => {
    await db().lease.deleteMany({ where: { name: { in: ["automation", "alerting"] } } });
    expect((await acquireLease("automation", holderOf("decider"), 60_000)).held).toBe(true);
    expect((await acquireLease("alerting", "other-host:4242:alerting", 60_000)).held).toBe(true);
    const text = await scrape(scraper);
    expect(sampleValue(text, "switchyard_copy_info", { copy: thisCopy() })).toBe(1);
    expect(sampleValue(text, "switchyard_lease_holder", { lease: "automation", copy: thisCopy() })).toBe(1);
    expect(sampleValue(text, "switchyard_lease_holder", { lease: "alerting", copy: "other-host:4242", holder: "other-host:4242:alerting" })).toBe(1);
    expect(sampleValue(text, "switchyard_lease_held", { lease: "automation" })).toBe(1);
    expect(sampleValue(text, "switchyard_lease_held", { lease: "alerting" })).toBe(0);
    expect(sampleValue(text, "switchyard_lease_token", { lease: "automation" })).toBe(1);
    expect(sampleValue(text, "switchyard_store_up")).toBe(1);

    // Expired, the lease is taken by the next holder with the next token.
    await db().lease.update({ where: { name: "alerting" }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await acquireLease("alerting", holderOf("alerting"), 60_000)).token).toBe(2n);
    const later = await scrape(scraper);
    expect(sampleValue(later, "switchyard_lease_held", { lease: "alerting" })).toBe(1);
    expect(sampleValue(later, "switchyard_lease_token", { lease: "alerting" })).toBe(2);
  });

  it("reads the webhook outbox's depth, its oldest waiting notification's age, and what was given up on", async () => {
    const createdAt = new Date(Date.now() - 60_000);
    const row = (extra: object) => ({ event: "firing", url: "http://127.0.0.1:9/hook", payload: {}, nextAttemptAt: new Date(), createdAt, ...extra });
    await db().alertNotification.createMany({ data: [row({}), row({}), row({ deliveredAt: new Date() }), row({ failedAt: new Date(), lastError: "refused" })] });
    const text = await scrape(scraper);
    expect(sampleValue(text, "switchyard_webhook_outbox_depth")).toBe(2);
    expect(sampleValue(text, "switchyard_webhook_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(60);
    expect(sampleValue(text, "switchyard_webhook_outbox_failed")).toBe(1);
  });

  it("names every family the Grafana dashboard reads, from the first scrape", async () => {
    const dashboard = readFileSync("docs/grafana/switchyard.json", "utf8");
    const read = new Set([...dashboard.matchAll(/\b(switchyard_\w+?)(?:_bucket|_count|_sum)?\b/g)].map(([, name]) => name));
    const named = new Set([...(await scrape(scraper)).matchAll(/^# TYPE (\w+) /gm)].map(([, name]) => name));
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !named.has(name!))).toEqual([]);
  });
});
