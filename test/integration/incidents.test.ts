import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as listRoute, POST as declareRoute } from "@/app/api/v1/incidents/route";
import { GET as incidentRoute } from "@/app/api/v1/incidents/[id]/route";
import { POST as statusRoute } from "@/app/api/v1/incidents/[id]/status/route";
import { POST as rolesRoute } from "@/app/api/v1/incidents/[id]/roles/route";
import { GET as reviewRoute, POST as saveReviewRoute } from "@/app/api/v1/incidents/[id]/review/route";
import { POST as draftRoute } from "@/app/api/v1/incidents/[id]/review/draft/route";
import { GET as exportRoute } from "@/app/api/v1/incidents/[id]/review/export/route";
import type { AgentReport } from "@/contracts/agent-reports";
import { incidentListSchema, incidentReviewSchema, incidentSchema, type IncidentView } from "@/contracts/incidents";
import { registerAgent } from "@/server/agents/register-agent";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { DECIDER_LEASE, decideOnce } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { call, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { primaryReport, standby } from "../support/primary-loss";
import { batchOf } from "../support/reports";

/**
 * Incidents on the real store, opened by the real hooks: the alerting's
 * evaluation (alerts fire at once: the policy's `for` window is 0 s) and the
 * decider's pass over a confirmed loss of orders-db's primary (dated back in
 * SQL as automation-detection.test.ts does).
 */
const tokens: Record<string, string> = {};
const seqs: Record<string, number> = {};
let alerting: HeldLease;
let decider: HeldLease;
let ada: string;
let bo: string;
let viewer: string;

async function deliver(name: string, report: (seq: number) => AgentReport) {
  seqs[name] = (seqs[name] ?? 0) + 1;
  const { status } = await call(ingestRoute, { method: "POST", token: tokens[name], body: batchOf([report(seqs[name]!)]) });
  expect(status).toBe(200);
}
const unreachable = (name: string) => (seq: number) => ({ ...standby(name, seq, false), reachable: false, error: "connection refused", role: null, lag: { bytes: null, seconds: null } });

async function incidents(query = "") {
  const { status, json } = await call(listRoute, { path: `/api/v1/incidents${query}`, token: viewer });
  expect(status).toBe(200);
  return incidentListSchema.parse(json).incidents;
}
async function incident(id: string): Promise<IncidentView> {
  const { status, json } = await call(incidentRoute, { token: viewer, params: { id } });
  expect(status, JSON.stringify(json)).toBe(200);
  return incidentSchema.parse(json);
}
const postStatus = (id: string, body: unknown, token = ada) => call(statusRoute, { method: "POST", token, params: { id }, body });
const postRoles = (id: string, body: unknown, token = ada) => call(rolesRoute, { method: "POST", token, params: { id }, body });

/** Every row a refused incident request could have written. */
async function written() {
  const [incidentRows, services, updates, reviews, audit] = await Promise.all([
    db().incident.count(),
    db().incidentService.count({ where: { openForServiceId: { not: null } } }),
    db().incidentUpdate.count(),
    db().incidentReview.count(),
    db().auditEvent.count(),
  ]);
  return { incidentRows, services, updates, reviews, audit };
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
  for (const replica of await db().replica.findMany({ where: { serviceId: "orders-db" } })) {
    tokens[replica.name] = (await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR)).token;
  }
  alerting = { name: ALERTING_LEASE, holder: "incidents-test", token: (await acquireLease(ALERTING_LEASE, "incidents-test", 600_000)).token };
  decider = { name: DECIDER_LEASE, holder: "incidents-test", token: (await acquireLease(DECIDER_LEASE, "incidents-test", 600_000)).token };
  ada = await tokenFor((await createTestUser("ada@example.com", ["operator"])).id);
  bo = await tokenFor((await createTestUser("bo@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

describe("incidents opened by the automation and the alerting", () => {
  let first: string;

  it("opens nothing while every replica is healthy", async () => {
    await deliver("pg-us-east-1", primaryReport);
    await deliver("pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, true));
    await deliver("pg-europe-west3", (seq) => standby("pg-europe-west3", seq, true));
    await evaluateAlerts(alerting);
    expect(await incidents()).toEqual([]);
  });

  it("an automatic failover run opens an incident, in the run's own transaction", async () => {
    await deliver("pg-eu-west-1", (seq) => standby("pg-eu-west-1", seq, false));
    await deliver("pg-europe-west3", (seq) => standby("pg-europe-west3", seq, false));
    await db().$executeRaw`UPDATE "ReplicaState" SET "receivedAt" = now() - interval '120 seconds' WHERE "replicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1')`;
    await db().$executeRaw`UPDATE "WitnessLink" SET "unreachableSince" = now() - interval '90 seconds'
      WHERE "toReplicaId" = (SELECT id FROM "Replica" WHERE name = 'pg-us-east-1') AND NOT reachable`;
    await decideOnce(decider);

    const run = await db().run.findFirstOrThrow({ where: { serviceId: "orders-db" } });
    const decision = await db().auditEvent.findFirstOrThrow({ where: { action: "automation.decide" } });
    const [opened] = await incidents();
    expect(opened).toMatchObject({
      serviceIds: ["orders-db"],
      status: "investigating",
      openRule: "automatic-failover-opens",
      openedBy: { type: "automation", label: "automation" },
      title: "orders-db: automatic failover (failover-automatic)",
      commander: null,
      lastUpdate: { status: "investigating", note: decision.reason, author: { label: "automation" } },
    });
    first = opened!.id;
    const open = await db().auditEvent.findFirstOrThrow({ where: { action: "incident.open" } });
    expect(open).toMatchObject({ targetType: "incident", targetId: first, serviceId: "orders-db", actorLabel: "automation", reason: decision.reason });
    expect(open.details).toMatchObject({ rule: "automatic-failover-opens", runId: run.id, automationRule: "failover-automatic" });
  });

  it("a critical alert of the same service joins the open incident; a second incident is not opened", async () => {
    await evaluateAlerts(alerting);
    const stale = await db().alert.findFirstOrThrow({ where: { ruleId: "heartbeat-stale", state: "firing" } });
    expect(stale.severity).toBe("critical");
    expect(await db().incident.count()).toBe(1);
    const attached = await db().auditEvent.findMany({ where: { action: "incident.attach", targetId: first } });
    expect(attached.map((event) => (event.details as { alertRule: string }).alertRule)).toContain("heartbeat-stale");
    expect(attached.every((event) => (event.details as { rule: string }).rule === "page-alert-attaches")).toBe(true);
    // Warnings page nobody: none of them joined.
    const warnings = await db().alert.findMany({ where: { severity: "warning" }, select: { id: true } });
    for (const warning of warnings) expect(attached.some((event) => (event.details as { alertId: string }).alertId === warning.id)).toBe(false);
  });

  it("shows one timeline in order: the alert, the automation's decision with its sentence, the run, the incident's own events", async () => {
    const view = await incident(first);
    const times = view.timeline.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const actions = view.timeline.map((entry) => entry.action);
    for (const action of ["automation.decide", "run.start", "incident.open", "alert.fire", "incident.attach"]) expect(actions).toContain(action);
    expect(actions.indexOf("automation.decide")).toBeLessThan(actions.indexOf("run.start"));
    expect(actions.indexOf("run.start")).toBeLessThan(actions.indexOf("incident.open"));
    expect(actions.indexOf("incident.open")).toBeLessThan(actions.indexOf("incident.attach"));
    const decision = view.timeline.find((entry) => entry.action === "automation.decide")!;
    expect(decision).toMatchObject({ actor: { type: "automation", label: "automation" }, rule: "failover-automatic", what: "Automation decided: fail-over" });
    expect(decision.why).toMatch(/^pg-us-east-1's reports stopped .*; fail over to pg-eu-west-1/);
    expect(view.timeline.find((entry) => entry.action === "run.start")).toMatchObject({ runId: view.runIds[0], rule: "failover-automatic" });
    expect(view.timeline.find((entry) => entry.action === null)).toMatchObject({ rule: "heartbeat-stale", actor: { label: "alerting" } });
    expect(view.runIds).toHaveLength(1);
  });
});

describe("people running the incident", () => {
  let id: string;
  beforeAll(async () => {
    id = (await incidents("?open=true"))[0]!.id;
  });

  it("assigns and changes the commander and responders, each change audited with its sentence", async () => {
    const assigned = await postRoles(id, { commander: "ada@example.com", addResponders: ["bo@example.com"] });
    expect(assigned.status, JSON.stringify(assigned.json)).toBe(200);
    expect(incidentSchema.parse(assigned.json)).toMatchObject({ commander: { email: "ada@example.com" }, responders: [{ email: "bo@example.com" }] });
    const changed = await postRoles(id, { commander: "bo@example.com", removeResponders: ["bo@example.com"], note: "handing over at shift change" }, bo);
    expect(changed.status).toBe(200);
    expect(incidentSchema.parse(changed.json)).toMatchObject({ commander: { email: "bo@example.com" }, responders: [] });
    const events = await db().auditEvent.findMany({ where: { action: "incident.roles", targetId: id }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.actorLabel, event.reason])).toEqual([
      ["ada@example.com", "ada@example.com takes command of the incident. bo@example.com joins as a responder."],
      ["bo@example.com", "handing over at shift change"],
    ]);
    expect(events[1]!.after).toEqual({ commander: "bo@example.com", responders: [] });
    expect((events[1]!.details as { changes: { sentence: string }[] }).changes.map((change) => change.sentence)).toEqual([
      "bo@example.com takes command of the incident from ada@example.com.",
      "bo@example.com is no longer a responder.",
    ]);
  });

  it("refuses bad input naming the field or the reason, and writes nothing", async () => {
    const before = await written();
    const cases: [Promise<{ status: number; json: any }>, number, string | null][] = [
      [postStatus(id, { status: "fixed", note: "done" }), 400, "status"],
      [postStatus(id, { status: "identified", note: " " }), 400, "note"],
      [postStatus(id, { status: "identified" }), 400, "note"],
      [postStatus("nope", { status: "identified", note: "cause found" }), 404, null],
      [postRoles(id, { addResponders: ["nobody@example.com"] }), 400, "addResponders.0"],
      [postRoles(id, { commander: "bo@example.com" }), 409, null],
      [postRoles(id, { removeResponders: ["ada@example.com"] }), 409, "roles"],
      [call(declareRoute, { method: "POST", token: ada, body: { serviceIds: ["nope-db"], title: "a title", note: "what we know" } }), 400, "serviceIds.0"],
      [call(declareRoute, { method: "POST", token: ada, body: { serviceIds: ["orders-db"], note: "what we know" } }), 400, "title"],
      [call(declareRoute, { method: "POST", token: ada, body: { serviceIds: ["orders-db"], title: "checkout errors", note: "what we know" } }), 409, "serviceIds.0"],
      [call(draftRoute, { method: "POST", token: ada, params: { id } }), 409, null],
      [postStatus(id, { status: "identified", note: "cause found" }, viewer), 403, null],
    ];
    for (const [request, status, field] of cases) {
      const { status: got, json } = await request;
      expect(got, JSON.stringify(json)).toBe(status);
      if (field) expect(json.error.field).toBe(field);
    }
    const declared = await call(declareRoute, { method: "POST", token: ada, body: { serviceIds: ["orders-db"], title: "checkout errors", note: "what we know" } });
    expect(declared.json.error.message).toBe(`orders-db already has an open incident (${id}): A person may not declare a second incident for a service with an open one: they join the open one instead.`);
    expect((await call(draftRoute, { method: "POST", token: ada, params: { id } })).json.error.message).toContain("resolve it first");
    expect(await written()).toEqual(before);
  });

  it("moves through identified, monitoring and resolved, each with a note, audited; a resolved incident takes no update", async () => {
    for (const [status, note] of [
      ["identified", "us-east-1 host lost power"],
      ["monitoring", "writes flow to eu-west-1; watching lag"],
      ["resolved", "stable for 30 minutes"],
    ] as const) {
      const answer = await postStatus(id, { status, note }, bo);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    }
    const view = await incident(id);
    expect(view.status).toBe("resolved");
    expect(view.updates.map((update) => [update.status, update.author.label])).toEqual([
      ["investigating", "automation"],
      ["identified", "bo@example.com"],
      ["monitoring", "bo@example.com"],
      ["resolved", "bo@example.com"],
    ]);
    const events = await db().auditEvent.findMany({ where: { action: "incident.status", targetId: id }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.before, event.after, (event.details as { rule: string }).rule])).toEqual([
      [{ status: "investigating" }, { status: "identified" }, "forward"],
      [{ status: "identified" }, { status: "monitoring" }, "forward"],
      [{ status: "monitoring" }, { status: "resolved" }, "forward"],
    ]);
    expect(await db().incidentService.count({ where: { openForServiceId: "orders-db" } })).toBe(0);

    const before = await written();
    const late = await postStatus(id, { status: "monitoring", note: "it flapped" });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toBe(`Incident ${id} is resolved; The incident is resolved: it takes no more status updates (a new problem opens a new incident).`);
    expect((await postRoles(id, { commander: "ada@example.com" })).json.error.message).toBe(`Incident ${id}: The incident is resolved: its roles stay as they were when it ended.`);
    expect(await written()).toEqual(before);
  });

  it("writes a review draft from the record with the automation's rule sentence and the run's observed RTO; edits are versions, audited with the incident's id", async () => {
    const run = await db().run.findFirstOrThrow({ where: { serviceId: "orders-db" } });
    // The run engine is not under test here: the run ends as its last step would leave it, with its measurement.
    await db().run.update({
      where: { id: run.id },
      data: {
        status: "succeeded",
        activeForServiceId: null,
        finishedAt: new Date(),
        observedRtoMs: 8_400,
        observedRto: { method: "old-primary-report-to-new-primary-report", ms: 8_400, from: null, to: null, sentence: "From the old primary's last report as primary to the new primary's first report as primary with the write route pointing at it." },
      },
    });
    const decision = await db().auditEvent.findFirstOrThrow({ where: { action: "automation.decide" } });
    const drafted = await call(draftRoute, { method: "POST", token: ada, params: { id } });
    expect(drafted.status, JSON.stringify(drafted.json)).toBe(201);
    const draft = incidentReviewSchema.parse(drafted.json);
    expect(draft).toMatchObject({ version: 1, author: "ada@example.com" });
    expect(draft.markdown).toContain(`rule \`failover-automatic\` — ${decision.reason}`);
    expect(draft.markdown).toContain("- Observed RTO: 8.4 s (8400 ms) — From the old primary's last report as primary");
    expect(draft.markdown).toMatch(/- RTO (within|over) budget: /);
    expect(draft.markdown).toContain("bo@example.com: bo@example.com set the status to resolved — stable for 30 minutes");
    expect(draft.markdown).toContain("## Contributing factors");

    const saved = await call(saveReviewRoute, { method: "POST", token: bo, params: { id }, body: { markdown: `${draft.markdown}\nImpact: checkout paused 9 s.`, baseVersion: 1 } });
    expect(saved.status, JSON.stringify(saved.json)).toBe(201);
    expect(incidentReviewSchema.parse(saved.json)).toMatchObject({ version: 2, author: "bo@example.com", versions: [{ version: 2 }, { version: 1 }] });
    const before = await written();
    const stale = await call(saveReviewRoute, { method: "POST", token: ada, params: { id }, body: { markdown: "mine", baseVersion: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.field).toBe("baseVersion");
    expect((await call(saveReviewRoute, { method: "POST", token: ada, params: { id }, body: { markdown: "", baseVersion: 2 } })).json.error.field).toBe("markdown");
    expect(await written()).toEqual(before);

    const events = await db().auditEvent.findMany({ where: { action: "incident.review" }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.targetId, event.actorLabel, event.after, (event.details as { incidentId: string }).incidentId])).toEqual([
      [id, "ada@example.com", { version: 1, origin: "draft", characters: draft.markdown.length }, id],
      [id, "bo@example.com", { version: 2, origin: "edit", characters: draft.markdown.length + "\nImpact: checkout paused 9 s.".length }, id],
    ]);

    const first = incidentReviewSchema.parse((await call(reviewRoute, { path: `/api/v1/incidents/${id}/review?version=1`, token: viewer, params: { id } })).json);
    expect(first.markdown).toBe(draft.markdown);
    const markdown = await exportRoute(new Request(`http://switchyard.test/api/v1/incidents/${id}/review/export?format=md`, { headers: { authorization: `Bearer ${viewer}` } }), { params: Promise.resolve({ id }) });
    expect(markdown.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(await markdown.text()).toContain("Impact: checkout paused 9 s.");
    const pdf = await exportRoute(new Request(`http://switchyard.test/api/v1/incidents/${id}/review/export?format=pdf`, { headers: { authorization: `Bearer ${viewer}` } }), { params: Promise.resolve({ id }) });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
  });
});

describe("after the resolution", () => {
  it("the next critical alert opens a new incident and a second one joins it", async () => {
    // The primary reports again: while it was stale, its standbys' unreachable alerts would be inhibited by it (core/alerts/inhibitions.ts), announced to nobody, and open nothing.
    await deliver("pg-us-east-1", primaryReport);
    await evaluateAlerts(alerting);
    await deliver("pg-europe-west3", unreachable("pg-europe-west3"));
    await evaluateAlerts(alerting);
    const open = await incidents("?open=true");
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ openRule: "page-alert-opens", title: "orders-db: replica-unreachable on pg-europe-west3", openedBy: { label: "alerting" } });
    expect(open[0]!.lastUpdate?.note).toBe("pg-europe-west3 does not answer its agent");

    await deliver("pg-eu-west-1", unreachable("pg-eu-west-1"));
    await evaluateAlerts(alerting);
    expect(await incidents("?open=true")).toHaveLength(1);
    const attached = await db().auditEvent.findFirstOrThrow({ where: { action: "incident.attach", targetId: open[0]!.id } });
    expect(attached).toMatchObject({ reason: "pg-eu-west-1 does not answer its agent", actorLabel: "alerting" });
    expect(await incidents("?serviceId=orders-db")).toHaveLength(2);
    expect(await incidents("?open=false")).toHaveLength(1);
  });
});
