import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as feedRoute } from "@/app/api/status/feed.atom/route";
import { GET as statusRoute } from "@/app/api/status/route";
import { GET as listComponentsRoute, POST as putComponentsRoute } from "@/app/api/v1/status-page/components/route";
import { POST as declareRoute } from "@/app/api/v1/incidents/route";
import { POST as incidentStatusRoute } from "@/app/api/v1/incidents/[id]/status/route";
import { POST as incidentRolesRoute } from "@/app/api/v1/incidents/[id]/roles/route";
import { statusPageSchema } from "@/contracts/status-page";
import { db } from "@/server/db/client";
import { forgetStatusPage } from "@/server/status-page/status-cache";
import { call, createTestUser, tokenFor } from "../support/api";
import { demoAgents } from "../support/demo-agents";
import { seedDemoTopology } from "../support/demo-topology";
import { primaryOverrides } from "../support/reports";
import { ownerDatabaseUrl } from "../support/sql";

/**
 * The public status page over orders-db (the demo topology) with its agents
 * reporting through the ingest path: read without signing in, public names
 * only, states from health, components configured by an admin, and the last
 * page served when the store does not answer in time.
 */
const agents = demoAgents();
let admin: string;
let viewer: string;
let commander: string;
let responder: string;

async function publicPage() {
  forgetStatusPage();
  const answer = await call(statusRoute, { path: "/api/status" });
  expect(answer.status).toBe(200);
  return statusPageSchema.parse(answer.json);
}

beforeAll(async () => {
  await seedDemoTopology(db());
  await agents.register();
  await agents.healthy();
  admin = await tokenFor((await createTestUser("admin@status.test", ["admin"])).id);
  viewer = await tokenFor((await createTestUser("viewer@status.test", ["viewer", "operator"])).id);
  commander = await tokenFor((await createTestUser("commander@status.test", ["operator"])).id);
  responder = await tokenFor((await createTestUser("responder@status.test", ["operator"])).id);
});

afterAll(() => forgetStatusPage());

describe("the public status page", () => {
  it("answers without sign-in, with one component for every service until an admin names them, and no internal name", async () => {
    const answer = await call(statusRoute, { path: "/api/status" });
    expect(answer.status).toBe(200);
    const page = statusPageSchema.parse(answer.json);
    expect(page.components.map((component) => [component.name, component.state])).toEqual([["All systems", "operational"]]);
    expect(page.indicator).toEqual({ state: "operational", description: "All systems operational" });
    expect(page.components[0]!.history).toHaveLength(90);
    const text = JSON.stringify(answer.json);
    for (const internal of ["orders-db", "pg-us-east-1", "pg-eu-west-1", "us-east-1", "eu-west-1", "europe-west3"]) expect(text).not.toContain(internal);
  });

  it("lets an admin name components, refuses an unknown service or a repeated name naming the field and changes nothing, and audits the change", async () => {
    const unknown = await call(putComponentsRoute, { method: "POST", token: admin, body: { components: [{ name: "Checkout", services: ["orders-db", "nope-db"] }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("components[0].services[1]: no live service nope-db");
    const twice = await call(putComponentsRoute, { method: "POST", token: admin, body: { components: [{ name: "Checkout", services: ["orders-db"] }, { name: "checkout", services: ["orders-db"] }] } });
    expect(twice.status).toBe(400);
    expect(twice.json.error.message).toMatch(/components\.1\.name|named twice/);
    const forbidden = await call(putComponentsRoute, { method: "POST", token: viewer, body: { components: [{ name: "Checkout", services: ["orders-db"] }] } });
    expect(forbidden.status).toBe(403);
    expect(await db().statusComponent.count()).toBe(0);

    const saved = await call(putComponentsRoute, { method: "POST", token: admin, body: { components: [{ name: "Checkout", description: "Placing and paying orders", services: ["orders-db"] }] } });
    expect(saved.status).toBe(200);
    expect((await call(listComponentsRoute, { token: viewer })).json.components).toEqual([{ id: expect.any(String), name: "Checkout", description: "Placing and paying orders", services: ["orders-db"] }]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "status_page.components_update" } });
    expect(audit.after).toEqual([{ name: "Checkout", description: "Placing and paying orders", services: ["orders-db"] }]);

    const page = await publicPage();
    expect(page.components.map((component) => [component.name, component.description, component.state])).toEqual([["Checkout", "Placing and paying orders", "operational"]]);
  });

  it("says degraded when a standby is not healthy, and major outage when the primary is lost", async () => {
    await agents.report("pg-europe-west3", { reachable: false, error: "connection refused" });
    expect((await publicPage()).components[0]!.state).toBe("degraded_performance");

    await agents.report("pg-us-east-1", { ...primaryOverrides("2000"), reachable: false, error: "connection refused" });
    const page = await publicPage();
    expect(page.components[0]!.state).toBe("major_outage");
    expect(page.indicator.description).toBe("Major outage");
    await agents.healthy("3000");
    expect((await publicPage()).components[0]!.state).toBe("operational");
  });

  it("keeps answering with the last page, marked stale, while the store does not answer", async () => {
    const fresh = await publicPage();
    expect(fresh.stale).toBe(false);
    // A real stall: the owner holds the components table locked, so the page's read waits on it.
    const locker = new pg.Client({ connectionString: ownerDatabaseUrl() });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query('LOCK TABLE "StatusComponent" IN ACCESS EXCLUSIVE MODE');
      // The cached page is fresh for a few seconds; a reader past that must not wait for the store.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const answer = await call(statusRoute, { path: "/api/status" });
      expect(answer.status).toBe(200);
      const page = statusPageSchema.parse(answer.json);
      expect(page.stale).toBe(true);
      expect(page.generatedAt).toBe(fresh.generatedAt);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
  });

  it("shows an open incident in the component's state, and what its commander tells the public, never the internal notes", async () => {
    await agents.healthy("4000");
    const declared = await call(declareRoute, { method: "POST", token: responder, body: { serviceIds: ["orders-db"], title: "orders-db writes time out on pg-us-east-1", note: "pg-us-east-1 answers slowly" } });
    expect(declared.status).toBe(201);
    const id = declared.json.id as string;
    let page = await publicPage();
    expect(page.components[0]!.state).toBe("partial_outage");
    expect(page.openIncidents).toEqual([]);

    const post = (token: string, body: Record<string, unknown>) => call(incidentStatusRoute, { method: "POST", token, params: { id }, body: { status: "identified", note: "slow disk on pg-us-east-1", ...body } });
    // Whoever declares takes command; handing command to nobody leaves no voice for the public.
    expect(declared.json.commander.email).toBe("responder@status.test");
    expect((await call(incidentRolesRoute, { method: "POST", token: responder, params: { id }, body: { commander: null } })).status).toBe(200);
    const before = await db().incidentUpdate.count();
    const noCommander = await post(commander, { publicTitle: "Checkout is slow", publicNote: "Some orders take longer to place." });
    expect(noCommander.status, JSON.stringify(noCommander.json)).toBe(409);
    expect(noCommander.json.error.message).toContain("Nobody commands the incident yet");
    expect((await call(incidentRolesRoute, { method: "POST", token: responder, params: { id }, body: { commander: "commander@status.test" } })).status).toBe(200);
    const notCommander = await post(responder, { publicTitle: "Checkout is slow", publicNote: "Some orders take longer to place." });
    expect(notCommander.status).toBe(403);
    expect(notCommander.json.error.message).toBe("Only the incident's commander posts to the status page.");
    const noTitle = await post(commander, { publicNote: "Some orders take longer to place." });
    expect(noTitle.status).toBe(400);
    expect(noTitle.json.error.field).toBe("publicTitle");
    expect(await db().incidentUpdate.count()).toBe(before);

    expect((await post(commander, { publicTitle: "Checkout is slow", publicNote: "Some orders take longer to place. We found the cause." })).status).toBe(200);
    page = await publicPage();
    expect(page.openIncidents).toEqual([
      {
        id,
        title: "Checkout is slow",
        status: "identified",
        components: ["Checkout"],
        startedAt: expect.any(String),
        resolvedAt: null,
        updates: [{ id: expect.any(String), status: "identified", body: "Some orders take longer to place. We found the cause.", at: expect.any(String) }],
      },
    ]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "incident.status", targetId: id }, orderBy: { seq: "desc" } });
    expect(audit.details).toMatchObject({ statusPage: { rule: "commander-posts", title: "Checkout is slow" } });

    expect((await call(incidentStatusRoute, { method: "POST", token: commander, params: { id }, body: { status: "resolved", note: "disk replaced on pg-us-east-1", publicNote: "Orders are placed at the usual speed again." } })).status).toBe(200);
    page = await publicPage();
    expect(page.openIncidents).toEqual([]);
    expect(page.pastIncidents.map((incident) => [incident.title, incident.status, incident.updates.map((update) => update.body)])).toEqual([
      ["Checkout is slow", "resolved", ["Orders are placed at the usual speed again.", "Some orders take longer to place. We found the cause."]],
    ]);
    expect(page.components[0]!.state).toBe("operational");
    expect(page.components[0]!.history.at(-1)!.state).toBe("partial_outage");
    const text = JSON.stringify(page);
    for (const internal of ["orders-db", "pg-us-east-1", "slow disk", "disk replaced"]) expect(text).not.toContain(internal);

    const feed = await call(feedRoute, { path: "/api/status/feed.atom" });
    expect(feed.json).toContain("<title>Checkout is slow: resolved</title>");
    expect(feed.json).toContain("Orders are placed at the usual speed again.");
  });

  it("serves an Atom feed of the page", async () => {
    const answer = await call(feedRoute, { path: "/api/status/feed.atom" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("application/atom+xml");
    expect(answer.json).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(answer.json).toContain('<link rel="self" type="application/atom+xml" href="http://switchyard.test/api/status/feed.atom"/>');
  });
});
