import { beforeAll, describe, expect, it } from "vitest";
import * as ingestRoute from "@/app/api/v1/agents/reports/route";
import * as leaseRoute from "@/app/api/v1/agents/lease/route";
import * as auditRoute from "@/app/api/v1/audit/route";
import * as approveRoute from "@/app/api/v1/change-requests/[id]/approve/route";
import * as rejectRoute from "@/app/api/v1/change-requests/[id]/reject/route";
import * as changeRequestRoute from "@/app/api/v1/change-requests/[id]/route";
import * as changeRequestsRoute from "@/app/api/v1/change-requests/route";
import * as fleetRoute from "@/app/api/v1/fleet/route";
import * as regionRoute from "@/app/api/v1/regions/[id]/route";
import * as retireRegionRoute from "@/app/api/v1/regions/[id]/retire/route";
import * as regionsRoute from "@/app/api/v1/regions/route";
import * as planRunbookRoute from "@/app/api/v1/runbooks/[id]/plan/route";
import * as startRunRoute from "@/app/api/v1/runbooks/[id]/runs/route";
import * as lagRoute from "@/app/api/v1/services/[id]/lag/route";
import * as replicasRoute from "@/app/api/v1/services/[id]/replicas/route";
import * as retireServiceRoute from "@/app/api/v1/services/[id]/retire/route";
import * as writeRouteRoute from "@/app/api/v1/services/[id]/route/route";
import * as serviceRoute from "@/app/api/v1/services/[id]/route";
import * as servicesRoute from "@/app/api/v1/services/route";
import * as applyRoute from "@/app/api/v1/topology/apply/route";
import * as exportRoute from "@/app/api/v1/topology/export/route";
import * as rulesRoute from "@/app/api/v1/topology/rules/route";
import type { FleetService } from "@/contracts/topology";
import { RETIREMENT_MODES } from "@/core/topology/retirement";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";
import { registerAgent } from "@/server/agents/register-agent";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { DECIDER_LEASE, decideOnce } from "@/server/automation/automation-loop";
import { db } from "@/server/db/client";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

/**
 * Issue 13: services and regions are retired, never deleted. A service that
 * has had agents is retired by its policy's approvers; one that never had an
 * agent, and a region nothing lives in or names, by an admin directly. Once
 * retired, nothing acts on a service (agents, decider, alerts, leases, runs,
 * policy changes) and nothing new takes a region, while what happened to
 * them stays readable. A refusal names its rule and writes nothing.
 */
const token = { admin: "", approver: "", secondApprover: "", viewer: "", operator: "" };
const agentTokens: Record<string, string> = {};
/** A policy change of billing-db proposed while it was live. */
let policyRequestId = "";
const tunedAlerts = { ...GLOBAL_DEFAULT_POLICY, alerts: { ...GLOBAL_DEFAULT_POLICY.alerts, forSeconds: 60 } };

/** Everything a retirement, or a refused one, could have written. */
async function written() {
  const client = db();
  const [audit, changeRequests, approvals, services, regions, replicas, agents, revisions] = await Promise.all([
    client.auditEvent.count({ where: { action: { not: "audit.view" } } }),
    client.changeRequest.count(),
    client.approval.count(),
    client.service.count({ where: { retiredAt: { not: null } } }),
    client.region.count({ where: { retiredAt: { not: null } } }),
    client.replica.count({ where: { retiredAt: { not: null } } }),
    client.agent.count({ where: { revokedAt: { not: null } } }),
    client.topologyScope.aggregate({ _sum: { revision: true } }),
  ]);
  return { audit, changeRequests, approvals, services, regions, replicas, agents, revisions: revisions._sum.revision };
}

const retireService = (id: string, as = token.admin, body: unknown = { reason: "decommissioned" }) => call(retireServiceRoute.POST, { method: "POST", token: as, params: { id }, body });
const retireRegion = (id: string, as = token.admin, body: unknown = { reason: "left this region" }) => call(retireRegionRoute.POST, { method: "POST", token: as, params: { id }, body });
const approve = (id: string, as: string) => call(approveRoute.POST, { method: "POST", token: as, params: { id }, body: {} });
const viewService = (id: string) => call(serviceRoute.GET, { token: token.viewer, params: { id } });

function service(id: string, replicas: [name: string, region: string, host: string][]): FleetService {
  return {
    id,
    name: id,
    description: "",
    labels: {},
    engine: "postgresql",
    primary: replicas[0]![0],
    datasets: [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 }],
    replicas: replicas.map(([name, region, host], index) => ({ name, region, host, port: 5432, database: "billing", replication: "sync", promotionPriority: 100 - index, noPromote: false, witnessOnly: false })),
  };
}

async function createService(fleetService: FleetService) {
  const created = await call(servicesRoute.POST, { method: "POST", token: token.admin, body: { service: fleetService, reason: "a new service" } });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
}

async function createRegion(cloud: string, code: string, jurisdiction = "EU") {
  const created = await call(regionsRoute.POST, { method: "POST", token: token.admin, body: { cloud, code, jurisdiction, displayName: `${cloud} ${code}`, reason: "a new region" } });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
}

/** A run in progress on the service, as the run engine keeps one (the unique active slot taken). */
async function activeRunOn(serviceId: string) {
  await db().runbook.upsert({
    where: { id: "fixture" },
    create: { id: "fixture", title: "Fixture", description: "A test runbook", contentHash: "0".repeat(64), source: "", definition: {} },
    update: {},
  });
  return db().run.create({
    data: {
      runbookId: "fixture",
      contentHash: "0".repeat(64),
      definition: {},
      serviceId,
      activeForServiceId: serviceId,
      params: { service: serviceId },
      mode: "guided",
      status: "waiting",
      actorType: "user",
      startedAt: new Date(),
    },
  });
}

async function leaseOf(name: string): Promise<HeldLease> {
  const grant = await acquireLease(name, "retire-test", 600_000);
  return { name, holder: "retire-test", token: grant.token };
}

beforeAll(async () => {
  await seedDemoTopology(db());
  token.admin = await tokenFor((await createTestUser("retire-admin@example.com", ["admin"])).id);
  token.approver = await tokenFor((await createTestUser("retire-approver-1@example.com", ["approver"])).id);
  token.secondApprover = await tokenFor((await createTestUser("retire-approver-2@example.com", ["approver"])).id);
  token.viewer = await tokenFor((await createTestUser("retire-viewer@example.com", ["viewer"])).id);
  token.operator = await tokenFor((await createTestUser("retire-operator@example.com", ["operator"])).id);

  await createRegion("azure", "northeurope");
  await createService(service("billing-db", [["billing-a", "aws:eu-west-1", "10.20.0.1"], ["billing-b", "azure:northeurope", "10.20.0.2"]]));
  for (const replica of await db().replica.findMany({ where: { serviceId: "billing-db" } })) {
    agentTokens[replica.name] = (await registerAgent({ replicaId: replica.id, name: `agent-${replica.name}` }, SYSTEM_ACTOR)).token;
  }
  const ingested = await call(ingestRoute.POST, { method: "POST", token: agentTokens["billing-b"], body: batchOf([standbyReport(1)]) });
  expect(ingested.status, JSON.stringify(ingested.json)).toBe(200);
  const proposed = await call(changeRequestsRoute.POST, { method: "POST", token: token.admin, body: { serviceId: "billing-db", document: tunedAlerts, reason: "tune its alerts" } });
  expect(proposed.status, JSON.stringify(proposed.json)).toBe(201);
  policyRequestId = proposed.json.id;
});

describe("retiring a service that never had an agent", () => {
  it("is applied directly by an admin, audited; the service leaves every live view and its id is never taken again, while GET still reads it, marked retired", async () => {
    await createService(service("scratch-db", [["scratch-a", "aws:us-east-1", "10.30.0.1"], ["scratch-b", "aws:eu-west-1", "10.30.0.2"]]));
    const retired = await retireService("scratch-db");
    expect(retired.status, JSON.stringify(retired.json)).toBe(200);
    expect(retired.json).toEqual({ applied: ["service:scratch-db"], changeRequests: [], unchanged: [], notes: [RETIREMENT_MODES["service-never-had-agent"].sentence] });

    const row = await db().service.findUniqueOrThrow({ where: { id: "scratch-db" } });
    expect(row.retiredAt).not.toBeNull();
    const replicas = await db().replica.findMany({ where: { serviceId: "scratch-db" } });
    expect(replicas.map((replica) => replica.retiredAt?.getTime())).toEqual([row.retiredAt!.getTime(), row.retiredAt!.getTime()]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "topology.apply", serviceId: "scratch-db" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ actorLabel: "retire-admin@example.com", targetType: "service", targetId: "scratch-db", reason: "decommissioned", changeRequestId: null });
    expect((event.details as { diff: string[] }).diff).toEqual([
      "service scratch-db retired (primary scratch-a): replicas scratch-a, scratch-b retired with it and their agents revoked; datasets invoices; nothing acts on it any more, and its history stays readable",
    ]);

    const view = await viewService("scratch-db");
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ id: "scratch-db", retiredAt: row.retiredAt!.toISOString(), writeRegionId: "aws:us-east-1" });
    expect(view.json.replicas.map((replica: { name: string }) => replica.name)).toEqual(["scratch-a", "scratch-b"]);

    expect((await call(servicesRoute.GET, { token: token.viewer })).json.services.map((listed: { id: string }) => listed.id)).not.toContain("scratch-db");
    expect((await call(fleetRoute.GET, { token: token.viewer })).json.services.map((listed: { id: string }) => listed.id)).not.toContain("scratch-db");
    const exported = await call(exportRoute.GET, { path: "/api/v1/topology/export?format=json", token: token.viewer });
    expect(exported.json.services.map((listed: { id: string }) => listed.id)).not.toContain("scratch-db");
    const route = await call(writeRouteRoute.GET, { token: token.viewer, params: { id: "scratch-db" } });
    expect(route.status).toBe(409);
    expect(route.json.error.message).toMatch(/^Service scratch-db was retired at .*: Switchyard routes its writes nowhere any more \(rule service-retired\)\.$/);
  });

  it("refuses anything that would change it again, naming the rule, writing nothing", async () => {
    const before = await written();
    const again = await retireService("scratch-db");
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ field: "id", message: expect.stringMatching(/^scratch-db was already retired at .* \(rule service-retired\); nothing was applied$/) });

    const reused = await call(servicesRoute.POST, { method: "POST", token: token.admin, body: { service: service("scratch-db", [["x", "aws:us-east-1", "10.31.0.1"]]), reason: "again" } });
    expect(reused.status).toBe(409);
    expect(reused.json.error.message).toContain("its id stays with its history and is not used again (rule service-retired)");
    const renamed = await call(serviceRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "scratch-db" }, body: { name: "Scratch", reason: "rename" } });
    expect(renamed.status).toBe(409);
    expect(renamed.json.error.message).toMatch(/^Service scratch-db is retired: it changes no more \(rule service-retired\)\.$/);
    const added = await call(replicasRoute.POST, {
      method: "POST",
      token: token.admin,
      params: { id: "scratch-db" },
      body: { name: "scratch-c", region: "aws:us-east-1", host: "10.30.0.3", port: 5432, database: "billing", replication: "async", reason: "more" },
    });
    expect(added.status).toBe(409);
    const applied = await call(applyRoute.POST, { method: "POST", token: token.admin, body: { document: { version: 1, services: [service("scratch-db", [["x", "aws:us-east-1", "10.31.0.1"]])] }, reason: "bring it back" } });
    expect(applied.status).toBe(400);
    expect(applied.json.error).toMatchObject({ field: "services.scratch-db", message: "services.scratch-db: scratch-db is retired; its id stays with its history (rule service-retired); nothing was applied" });
    expect(await written()).toEqual(before);
  });
});

describe("retiring a service that has had agents", () => {
  let requestId = "";

  it("is a change request for its policy's approvers, since failover of data that may still be live ends; nothing changes until it is approved", async () => {
    const before = await written();
    const opened = await retireService("billing-db", token.admin, { reason: "billing moved to the new platform" });
    expect(opened.status, JSON.stringify(opened.json)).toBe(200);
    expect(opened.json).toMatchObject({ applied: [], changeRequests: [{ scope: "service:billing-db", requiredApprovals: 2 }], notes: [RETIREMENT_MODES["service-had-agents"].sentence] });
    requestId = opened.json.changeRequests[0].id;
    expect(await written()).toEqual({ ...before, audit: before.audit + 1, changeRequests: before.changeRequests + 1 });

    const view = await call(changeRequestRoute.GET, { token: token.viewer, params: { id: requestId } });
    expect(view.json).toMatchObject({ kind: "topology", scope: "service:billing-db", serviceId: "billing-db", status: "open", safetyRelevantFields: ["service"], consequences: [] });
    expect(view.json.diff.map((change: { text: string }) => change.text)).toEqual([expect.stringMatching(/^service billing-db retired \(primary billing-a\): replicas billing-a, billing-b retired with it/)]);
    expect((await viewService("billing-db")).json.retiredAt).toBeNull();
  });

  it("is refused at the last approval while a run is active on the service, naming the run and the rule, writing nothing; and straight away when asked for then", async () => {
    expect((await approve(requestId, token.admin)).status).toBe(403);
    expect((await approve(requestId, token.approver)).status).toBe(200);
    const run = await activeRunOn("billing-db");
    try {
      const before = await written();
      const refused = await approve(requestId, token.secondApprover);
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toBe(`Refused: billing-db has the active run ${run.id} (fixture, waiting): let it finish, or abort it, then retire the service (rule service-run-active).`);
      const direct = await retireService("billing-db");
      expect(direct.status).toBe(409);
      expect(direct.json.error.message).toContain("(rule service-run-active); nothing was applied");
      expect((await call(changeRequestRoute.GET, { token: token.viewer, params: { id: requestId } })).json.consequences).toEqual([
        expect.stringMatching(/^applying it now would be refused: billing-db has the active run .* \(rule service-run-active\)$/),
      ]);
      expect(await written()).toEqual(before);
    } finally {
      await db().run.update({ where: { id: run.id }, data: { status: "aborted", activeForServiceId: null, finishedAt: new Date() } });
    }
  });

  it("lets the decider and the alert evaluator see the service while it is live", async () => {
    await decideOnce(await leaseOf(DECIDER_LEASE));
    expect(await db().automationDecision.count({ where: { serviceId: "billing-db" } })).toBeGreaterThan(0);
    await evaluateAlerts(await leaseOf(ALERTING_LEASE));
    expect(await db().alert.count({ where: { serviceId: "billing-db", state: { in: ["pending", "firing"] } } })).toBeGreaterThan(0);
  });

  it("once approved, retires its replicas with it and revokes its agents in the same transaction, audited", async () => {
    const approved = await approve(requestId, token.secondApprover);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    const row = await db().service.findUniqueOrThrow({ where: { id: "billing-db" } });
    expect(row.retiredAt).not.toBeNull();
    expect(await db().replica.count({ where: { serviceId: "billing-db", retiredAt: row.retiredAt } })).toBe(2);
    expect(await db().agent.count({ where: { replica: { serviceId: "billing-db" }, revokedAt: null } })).toBe(0);
    expect(await db().auditEvent.count({ where: { action: "agent.revoke", serviceId: "billing-db", reason: "service billing-db was retired" } })).toBe(2);
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "topology.apply", changeRequestId: requestId } })).toMatchObject({ targetType: "service", targetId: "billing-db", serviceId: "billing-db" });
    expect(await db().automationDecision.count({ where: { serviceId: "billing-db" } })).toBe(0);
  });

  it("stops everything acting on it: the decider and the alert evaluator skip it, its agents are refused, runs and policy changes too", async () => {
    await decideOnce(await leaseOf(DECIDER_LEASE));
    expect(await db().automationDecision.count({ where: { serviceId: "billing-db" } })).toBe(0);
    await evaluateAlerts(await leaseOf(ALERTING_LEASE));
    expect(await db().alert.count({ where: { serviceId: "billing-db", state: { in: ["pending", "firing"] } } })).toBe(0);
    expect(await db().alert.count({ where: { serviceId: "billing-db", state: "resolved" } })).toBeGreaterThan(0);

    const before = await written();
    expect((await call(ingestRoute.POST, { method: "POST", token: agentTokens["billing-b"], body: batchOf([standbyReport(2)]) })).status).toBe(401);
    expect((await call(leaseRoute.POST, { method: "POST", token: agentTokens["billing-a"], body: { role: "primary", readOnly: false, witnesses: [] } })).status).toBe(401);
    const runParams = { params: { service: "billing-db", to_region: "azure:northeurope", reason: "switch" } };
    for (const route of [startRunRoute.POST, planRunbookRoute.POST]) {
      const refused = await call(route, { method: "POST", token: token.operator, params: { id: "planned-switchover" }, body: runParams });
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ field: "params.service", message: expect.stringMatching(/^Service billing-db was retired at .*: no runbook runs on it \(rule service-retired\)\.$/) });
    }
    const policy = await call(changeRequestsRoute.POST, { method: "POST", token: token.admin, body: { serviceId: "billing-db", document: tunedAlerts, reason: "tune its alerts again" } });
    expect(policy.status).toBe(409);
    expect(policy.json.error.message).toMatch(/^Service billing-db was retired at .*: its policy governs nothing any more and changes no more \(rule service-retired\)\.$/);
    expect((await approve(policyRequestId, token.approver)).status).toBe(409);
    expect(await written()).toEqual(before);
    // A request left open on it may still be closed.
    const rejected = await call(rejectRoute.POST, { method: "POST", token: token.approver, params: { id: policyRequestId }, body: { reason: "the service is retired" } });
    expect(rejected.json).toMatchObject({ status: "rejected" });
  });

  it("keeps its history readable: the service as it was, its replicas' samples, its audit events", async () => {
    const view = await viewService("billing-db");
    expect(view.status).toBe(200);
    expect(view.json.retiredAt).not.toBeNull();
    expect(view.json.replicas.map((replica: { name: string; agent: unknown }) => [replica.name, replica.agent])).toEqual([
      ["billing-a", null],
      ["billing-b", null],
    ]);
    const lag = await call(lagRoute.GET, { path: "/api/v1/services/billing-db/lag?range=15m", token: token.viewer, params: { id: "billing-db" } });
    expect(lag.status).toBe(200);
    const series = lag.json.replicas.find((replica: { name: string }) => replica.name === "billing-b");
    expect(series.points.reduce((sum: number, point: { samples: number }) => sum + point.samples, 0)).toBe(1);
    const audit = await call(auditRoute.GET, { path: "/api/v1/audit?serviceId=billing-db&action=agent.register,agent.revoke,topology.apply", token: token.admin });
    expect(audit.status).toBe(200);
    expect(audit.json.events.map((event: { action: string }) => event.action).sort()).toEqual(["agent.register", "agent.register", "agent.revoke", "agent.revoke", "topology.apply", "topology.apply"]);
  });
});

describe("retiring a region", () => {
  it("is refused, naming the rule and writing nothing, while an active replica lives there, a policy names it, or the global quorum would no longer fit", async () => {
    const before = await written();
    const inUse = await retireRegion("aws:eu-west-1");
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.message).toBe("aws:eu-west-1 still holds the active replica orders-db/pg-eu-west-1: retire or move it first (rule region-has-replicas); nothing was applied");

    await createRegion("gcp", "europe-west1");
    const version = await db().policyVersion.findFirstOrThrow({ where: { policy: { scope: "service:orders-db" } }, orderBy: { version: "desc" } });
    const document = structuredClone(version.document) as typeof GLOBAL_DEFAULT_POLICY;
    document.datasets["order-history"]!.residency.regions = ["gcp:europe-west3", "gcp:europe-west1"];
    await db().policyVersion.update({ where: { id: version.id }, data: { document } });
    const named = await retireRegion("gcp:europe-west1");
    expect(named.status).toBe(409);
    expect(named.json.error.message).toBe(
      "gcp:europe-west1 is named by service:orders-db datasets.order-history.residency.regions: change that policy first (rule region-named-by-policy); nothing was applied",
    );
    await db().policyVersion.update({ where: { id: version.id }, data: { document: version.document! } });

    // The global policy counts every known region as a witness: with its quorum at the regions left, one fewer breaks it.
    const global = await db().policyVersion.findFirstOrThrow({ where: { policy: { scope: "global" } }, orderBy: { version: "desc" } });
    const regions = await db().region.count({ where: { retiredAt: null } });
    await db().policyVersion.update({ where: { id: global.id }, data: { document: { ...GLOBAL_DEFAULT_POLICY, witness: { quorum: regions - 1 } } } });
    try {
      const tight = await retireRegion("gcp:europe-west1");
      expect(tight.status).toBe(409);
      expect(tight.json.error.message).toMatch(/^without gcp:europe-west1 the global policy would break a rule: witness\.quorum: .* \(rule policy-broken\); nothing was applied$/);
    } finally {
      await db().policyVersion.update({ where: { id: global.id }, data: { document: global.document! } });
    }

    const created = await written();
    expect(created).toMatchObject({ ...before, audit: before.audit + 1, revisions: before.revisions! + 1 });
    for (const [status, request] of [
      [404, retireRegion("aws:mars-1")],
      [404, retireService("nope-db")],
      [400, retireRegion("gcp:europe-west1", token.admin, {})],
      [400, retireService("orders-db", token.admin, { reason: "x" })],
      [400, retireRegion("not a region")],
      [403, retireRegion("gcp:europe-west1", token.viewer)],
      [403, retireService("orders-db", token.approver)],
      [401, retireRegion("gcp:europe-west1", "")],
      [401, retireService("orders-db", "")],
    ] as const) {
      expect((await request).status).toBe(status);
    }
    expect(await written()).toEqual(created);
  });

  it("is applied directly once nothing lives in it or names it, audited; a retired service's replicas do not hold it", async () => {
    const retired = await retireRegion("azure:northeurope");
    expect(retired.status, JSON.stringify(retired.json)).toBe(200);
    expect(retired.json).toEqual({ applied: ["regions"], changeRequests: [], unchanged: [], notes: [RETIREMENT_MODES["region-unused"].sentence] });
    expect((await db().region.findUniqueOrThrow({ where: { id: "azure:northeurope" } })).retiredAt).not.toBeNull();
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "topology.apply", targetType: "region" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ targetId: "azure:northeurope", reason: "left this region", details: { scope: "regions", diff: ["region retired: azure:northeurope (azure northeurope, EU)"] } });
  });

  it("offers a retired region nowhere new: not listed, no replica placed in it, not brought back, not changed; a retired service still shows its replica there", async () => {
    const listed = await call(regionsRoute.GET, { token: token.viewer });
    expect(listed.json.regions.map((state: { region: { id: string } }) => state.region.id)).not.toContain("azure:northeurope");
    expect((await call(exportRoute.GET, { path: "/api/v1/topology/export?format=json", token: token.viewer })).json.regions.map((region: { code: string }) => region.code)).not.toContain("northeurope");
    expect((await viewService("billing-db")).json.regions.map((region: { id: string }) => region.id)).toContain("azure:northeurope");

    const before = await written();
    const placed = await call(replicasRoute.POST, {
      method: "POST",
      token: token.admin,
      params: { id: "orders-db" },
      body: { name: "pg-north", region: "azure:northeurope", host: "10.40.0.1", port: 5432, database: "orders", replication: "async", reason: "one more standby" },
    });
    expect(placed.status).toBe(400);
    expect(placed.json.error).toMatchObject({
      field: "services.orders-db.replicas.pg-north.region",
      message: "services.orders-db.replicas.pg-north.region: azure:northeurope is retired and takes no replica (rule region-retired); nothing was applied",
    });
    const recreated = await call(regionsRoute.POST, { method: "POST", token: token.admin, body: { cloud: "azure", code: "northeurope", jurisdiction: "EU", displayName: "back", reason: "again" } });
    expect(recreated.status).toBe(409);
    expect(recreated.json.error.message).toBe("Region azure:northeurope is retired: it is not brought back (rule region-retired).");
    const changed = await call(regionRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "azure:northeurope" }, body: { displayName: "North", reason: "rename" } });
    expect(changed.status).toBe(409);
    const again = await retireRegion("azure:northeurope");
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/^azure:northeurope was already retired at .* \(rule region-retired\); nothing was applied$/);
    const document = { version: 1, regions: [{ cloud: "azure", code: "northeurope", jurisdiction: "EU", displayName: "back" }], services: [] };
    const applied = await call(applyRoute.POST, { method: "POST", token: token.admin, body: { document, reason: "bring it back" } });
    expect(applied.status).toBe(400);
    expect(applied.json.error.message).toContain("(rule region-retired)");
    expect(await written()).toEqual(before);
  });

  it("lists the retirement rules and modes with the other topology rules", async () => {
    const { json } = await call(rulesRoute.GET, { token: token.viewer });
    expect(json.rules.map((rule: { id: string }) => rule.id)).toEqual(expect.arrayContaining(["service-retired", "service-run-active", "region-retired", "region-has-replicas", "region-named-by-policy"]));
    expect(json.retirement).toEqual(Object.entries(RETIREMENT_MODES).map(([id, { mode, sentence }]) => ({ id, mode, sentence })));
  });
});
