import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "@/app/api/v1/change-requests/[id]/approve/route";
import * as rebaseRoute from "@/app/api/v1/change-requests/[id]/rebase/route";
import * as rejectRoute from "@/app/api/v1/change-requests/[id]/reject/route";
import * as changeRequestRoute from "@/app/api/v1/change-requests/[id]/route";
import * as fleetJsonSchemaRoute from "@/app/api/v1/schemas/fleet.json/route";
import * as serviceRoute from "@/app/api/v1/services/[id]/route";
import * as applyRoute from "@/app/api/v1/topology/apply/route";
import * as exportRoute from "@/app/api/v1/topology/export/route";
import * as planRoute from "@/app/api/v1/topology/plan/route";
import * as regionRoute from "@/app/api/v1/regions/[id]/route";
import * as replicasRoute from "@/app/api/v1/services/[id]/replicas/route";
import * as replicaRoute from "@/app/api/v1/services/[id]/replicas/[name]/route";
import * as retireReplicaRoute from "@/app/api/v1/services/[id]/replicas/[name]/retire/route";
import * as datasetRoute from "@/app/api/v1/services/[id]/datasets/[name]/route";
import { fleetDocumentSchema, type FleetDocument, type FleetService } from "@/contracts/topology";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";

/**
 * Issue 13: the topology through the API as a fleet document — export, plan,
 * apply — with what can alter a failover going through change requests
 * (approved by others than the requester, checked again against the topology
 * when applied), replicas retired rather than deleted, and a broken document
 * refused whole, naming the field and the rule.
 */
const token = { admin: "", otherAdmin: "", approver: "", secondApprover: "", viewer: "" };

beforeAll(async () => {
  await seedDemoTopology(db());
  token.admin = await tokenFor((await createTestUser("topology-admin@example.com", ["admin"])).id);
  token.otherAdmin = await tokenFor((await createTestUser("topology-admin-2@example.com", ["admin"])).id);
  token.approver = await tokenFor((await createTestUser("approver-1@example.com", ["approver"])).id);
  token.secondApprover = await tokenFor((await createTestUser("approver-2@example.com", ["approver"])).id);
  token.viewer = await tokenFor((await createTestUser("topology-viewer@example.com", ["viewer"])).id);
});

async function exported(): Promise<FleetDocument> {
  const { status, json } = await call(exportRoute.GET, { path: "/api/v1/topology/export?format=json", token: token.viewer });
  expect(status).toBe(200);
  return fleetDocumentSchema.parse(json);
}

const plan = (document: unknown) => call(planRoute.POST, { method: "POST", token: token.viewer, body: { document } });
const apply = (document: unknown, as = token.admin) => call(applyRoute.POST, { method: "POST", token: as, body: { document, reason: "topology test" } });
const approve = (id: string, as: string) => call(approveRoute.POST, { method: "POST", token: as, params: { id }, body: {} });

/** The exported document with orders-db changed. */
async function withOrders(change: (service: FleetService) => void): Promise<FleetDocument> {
  const document = await exported();
  const orders = document.services.find((service) => service.id === "orders-db")!;
  change(orders);
  return { ...document, services: [orders] };
}

/** The exported document's regions alone, one of them changed. */
async function withRegion(id: string, change: (region: FleetDocument["regions"][number]) => void): Promise<FleetDocument> {
  const document = await exported();
  const region = document.regions.find((candidate) => `${candidate.cloud}:${candidate.code}` === id)!;
  change(region);
  return { version: 1, regions: [region], services: [] };
}

const activeReplicas = async () => (await db().replica.findMany({ where: { serviceId: "orders-db", retiredAt: null }, orderBy: { name: "asc" } })).map((replica) => replica.name);

describe("the topology as a fleet document", () => {
  it("exports the live topology, as YAML by default, and applying it back changes nothing", async () => {
    const yaml = await exportRoute.GET(new Request("http://switchyard.test/api/v1/topology/export", { headers: { authorization: `Bearer ${token.viewer}` } }));
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    const document = fleetDocumentSchema.parse(parse(await yaml.text()));
    expect(document).toEqual(await exported());
    expect(document.services.map((service) => [service.id, service.primary, service.replicas.map((replica) => replica.name)])).toEqual([
      ["orders-db", "pg-us-east-1", ["pg-eu-west-1", "pg-europe-west3", "pg-us-east-1"]],
    ]);

    const planned = await plan(document);
    expect(planned.status).toBe(200);
    expect(planned.json).toMatchObject({ acceptable: true, issues: [], notes: [] });
    expect(planned.json.scopes.map((scope: { scope: string; mode: string }) => [scope.scope, scope.mode])).toEqual([
      ["regions", "none"],
      ["service:orders-db", "none"],
    ]);
    const before = await tableCounts();
    expect((await apply(document)).json).toEqual({ applied: [], changeRequests: [], unchanged: ["regions", "service:orders-db"], notes: [] });
    expect(await tableCounts()).toEqual(before);
  });

  it("serves its JSON Schema to editors", async () => {
    const { status, json, headers } = await call(fleetJsonSchemaRoute.GET, {});
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/schema+json");
    expect(json.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(json.$ref).toBe("#/$defs/FleetDocument");
    expect(json.$defs.FleetDocument.required).toEqual(["version"]);
    expect(Object.keys(json.$defs.FleetDocument.properties)).toEqual(["version", "regions", "services"]);
    expect(json.$defs.FleetReplica.required).toEqual(["name", "region", "host", "port", "database", "replication"]);
  });

  it("creates a brand-new service, with a new region, directly and audited; it appears with its write route", async () => {
    const document: FleetDocument = {
      version: 1,
      regions: [{ cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }],
      services: [
        {
          id: "billing-db",
          name: "Billing",
          description: "invoices",
          labels: {},
          engine: "postgresql",
          primary: "billing-a",
          datasets: [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 }],
          replicas: [
            { name: "billing-a", region: "azure:westeurope", host: "10.1.0.1", port: 5432, database: "billing", replication: "sync", promotionPriority: 100, noPromote: false, witnessOnly: false },
            { name: "billing-b", region: "aws:eu-west-1", host: "10.1.0.2", port: 5432, database: "billing", replication: "sync", promotionPriority: 90, noPromote: false, witnessOnly: false },
          ],
        },
      ],
    };
    const applied = await apply(document);
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    expect(applied.json).toMatchObject({ applied: ["regions", "service:billing-db"], changeRequests: [] });
    // Two regions cannot give the global policy's quorum of two witness regions: said, not refused (its own policy can only be proposed once it exists).
    expect(applied.json.notes).toEqual([expect.stringMatching(/^services\.billing-db\.policy\.witness\.quorum: .*quorum 2 exceeds the 1 witness region of billing-db.*: the new service runs under the policy it inherits until one of its own is approved/)]);
    const { json: service } = await call(serviceRoute.GET, { token: token.viewer, params: { id: "billing-db" } });
    expect(service).toMatchObject({ id: "billing-db", writeRegionId: "azure:westeurope" });
    expect(service.replicas.map((replica: { name: string; role: string }) => [replica.name, replica.role])).toEqual([
      ["billing-a", "primary"],
      ["billing-b", "standby"],
    ]);
    const audit = await db().auditEvent.findMany({ where: { action: "topology.apply" }, orderBy: { seq: "asc" } });
    expect(audit.map((event) => [event.actorLabel, event.targetType, (event.details as { diff: string[] }).diff[0]])).toEqual([
      ["topology-admin@example.com", "regions", "region added: azure:westeurope (Azure West Europe, EU)"],
      ["topology-admin@example.com", "service", expect.stringMatching(/^service billing-db added \(postgresql, primary billing-a\)/)],
    ]);
    // Exported and applied again: nothing changes.
    expect((await apply(await exported())).json.applied).toEqual([]);
  });

  it("opens a change request for a new replica; the requester cannot approve it, two approvers apply it", async () => {
    const document = await withOrders((service) =>
      service.replicas.push({ name: "pg-us-west-2", region: "aws:us-east-1", host: "10.0.0.9", port: 5432, database: "orders", replication: "async", promotionPriority: 10, noPromote: true, witnessOnly: false }),
    );
    const planned = await plan(document);
    expect(planned.json.scopes.find((scope: { scope: string }) => scope.scope === "service:orders-db")).toMatchObject({
      mode: "change-request",
      requiredApprovals: 2,
      changes: [{ text: "replica added: pg-us-west-2 in aws:us-east-1 at 10.0.0.9:5432/orders, async, never promoted, priority 10", governed: true }],
    });
    const applied = await apply(document);
    expect(applied.json).toMatchObject({ applied: [], changeRequests: [{ scope: "service:orders-db", requiredApprovals: 2 }] });
    const id = applied.json.changeRequests[0].id;
    expect(await activeReplicas()).not.toContain("pg-us-west-2");

    const view = await call(changeRequestRoute.GET, { token: token.viewer, params: { id } });
    expect(view.json).toMatchObject({ kind: "topology", scope: "service:orders-db", serviceId: "orders-db", policyId: null, status: "open", stale: false, safetyRelevantFields: ["replicas.pg-us-west-2"] });
    expect(view.json.diff.map((change: { text: string }) => change.text)).toEqual(["replica added: pg-us-west-2 in aws:us-east-1 at 10.0.0.9:5432/orders, async, never promoted, priority 10"]);

    // The requester is an admin, not an approver; an approver who is also... the same person could not either: the two-person rule is the core's.
    expect((await approve(id, token.admin)).status).toBe(403);
    expect((await approve(id, token.approver)).status).toBe(200);
    expect(await activeReplicas()).not.toContain("pg-us-west-2");
    expect((await approve(id, token.approver)).status).toBe(409);
    expect((await approve(id, token.secondApprover)).status).toBe(200);
    expect(await activeReplicas()).toContain("pg-us-west-2");
    expect((await call(changeRequestRoute.GET, { token: token.viewer, params: { id } })).json).toMatchObject({ status: "applied" });
    const applyEvent = await db().auditEvent.findFirstOrThrow({ where: { action: "topology.apply", changeRequestId: id } });
    expect(applyEvent.details).toMatchObject({ scope: "service:orders-db", revision: 1 });
  });

  it("retires a replica by a change request: its agent is revoked, it leaves the live topology, its history stays", async () => {
    const spare = await db().replica.findFirstOrThrow({ where: { serviceId: "orders-db", name: "pg-us-west-2", retiredAt: null } });
    const { agent } = await registerAgent({ replicaId: spare.id, name: "agent-pg-us-west-2" }, SYSTEM_ACTOR);
    const document = await withOrders((service) => (service.replicas = service.replicas.filter((replica) => replica.name !== "pg-us-west-2")));
    const id = (await apply(document)).json.changeRequests[0].id;
    await approve(id, token.approver);
    await approve(id, token.secondApprover);

    expect(await activeReplicas()).toEqual(["pg-eu-west-1", "pg-europe-west3", "pg-us-east-1"]);
    expect((await db().replica.findUniqueOrThrow({ where: { id: spare.id } })).retiredAt).not.toBeNull();
    expect((await db().agent.findUniqueOrThrow({ where: { id: agent.id } })).revokedAt).not.toBeNull();
    const { json: service } = await call(serviceRoute.GET, { token: token.viewer, params: { id: "orders-db" } });
    expect(service.replicas.map((replica: { name: string }) => replica.name)).not.toContain("pg-us-west-2");
    expect(await db().auditEvent.findFirst({ where: { action: "agent.revoke", targetId: agent.id } })).toMatchObject({ reason: "replica pg-us-west-2 was retired from orders-db" });
    // Its name is free again.
    expect((await plan(await withOrders((service) => service.replicas.push({ ...service.replicas[0]!, name: "pg-us-west-2", host: "10.0.0.10" })))).json.acceptable).toBe(true);
  });

  it("refuses a broken document whole, naming the field and the rule, writing nothing", async () => {
    const before = await tableCounts();
    const cases: [FleetDocument, string, string][] = [
      [await withOrders((service) => (service.replicas[0]!.region = "aws:mars-1")), "services.orders-db.replicas.pg-eu-west-1.region", "unknown-region"],
      [await withOrders((service) => (service.replicas = service.replicas.filter((replica) => replica.name !== "pg-us-east-1"))), "services.orders-db.replicas", "write-replica-retired"],
      [await withOrders((service) => (service.replicas[1]!.port = 14431)), "services.orders-db.replicas.pg-europe-west3.port", "endpoint-taken"],
      [await withOrders((service) => service.replicas.push({ ...service.replicas[0]! })), "services.orders-db.replicas.pg-eu-west-1", "duplicate-replica"],
      [await withRegion("aws:us-east-1", (region) => (region.jurisdiction = "CH")), "services.orders-db.replicas.pg-us-east-1.region", "primary-outside-residency"],
    ];
    for (const [document, field, rule] of cases) {
      const { status, json } = await apply(document);
      expect(status, JSON.stringify(json)).toBe(400);
      expect(json.error.field).toBe(field);
      expect(json.error.message).toContain(`(rule ${rule}); nothing was applied`);
    }
    const notJson = await call(applyRoute.POST, { method: "POST", token: token.admin, rawBody: '{"document": {"version": 1,' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.message).toMatch(/JSON/);
    const malformed = await apply({ version: 1, services: [{ id: "Bad Id" }] });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/services\.0\.id/);
    expect((await apply(await exported(), token.viewer)).status).toBe(403);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a stale request until it is rebased, and checks an approved one against the topology as it is then", async () => {
    const first = (await apply(await withOrders((service) => (service.replicas[2]!.promotionPriority = 99)))).json.changeRequests[0].id;
    const second = (await apply(await withOrders((service) => (service.replicas[1]!.promotionPriority = 60)), token.otherAdmin)).json.changeRequests[0].id;
    await approve(first, token.approver);
    await approve(first, token.secondApprover);
    const stale = await approve(second, token.approver);
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/rebase needed: the request was written against version 2, but version 3 is in force now/);
    expect((await call(rebaseRoute.POST, { method: "POST", token: token.otherAdmin, params: { id: second } })).status).toBe(200);
    expect((await call(changeRequestRoute.GET, { token: token.viewer, params: { id: second } })).json).toMatchObject({ stale: false, baseVersion: 3 });

    // Retiring a spare replica is fine when proposed; a failover makes it the primary before the last approval.
    const added = (await apply(await withOrders((service) => service.replicas.push({ ...service.replicas[1]!, name: "pg-spare", host: "10.0.0.11" })))).json.changeRequests[0].id;
    await approve(added, token.approver);
    await approve(added, token.secondApprover);
    const retire = (await apply(await withOrders((service) => (service.replicas = service.replicas.filter((replica) => replica.name !== "pg-spare"))))).json;
    expect(retire.changeRequests).toHaveLength(1);
    const spare = await db().replica.findFirstOrThrow({ where: { serviceId: "orders-db", name: "pg-spare", retiredAt: null } });
    const us = await db().service.findUniqueOrThrow({ where: { id: "orders-db" } });
    await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: spare.id } });
    try {
      await approve(retire.changeRequests[0].id, token.approver);
      const refused = await approve(retire.changeRequests[0].id, token.secondApprover);
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toMatch(/^Refused: the topology moved since the request was written, and applying it now would break a rule: .*pg-spare takes writes now and cannot be retired/);
      expect(await activeReplicas()).toContain("pg-spare");
    } finally {
      await db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: us.writeReplicaId } });
    }
  });

  it("changes one entity at a time through its own endpoint, each the document with that one change", async () => {
    const replica = { name: "pg-ap-south-1", region: "aws:us-east-1", host: "10.2.0.1", port: 5432, database: "orders", replication: "async", reason: "one more standby" };
    const added = await call(replicasRoute.POST, { method: "POST", token: token.admin, params: { id: "orders-db" }, body: replica });
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    expect(added.json.changeRequests).toEqual([expect.objectContaining({ scope: "service:orders-db", requiredApprovals: 2 })]);
    expect((await call(replicasRoute.POST, { method: "POST", token: token.admin, params: { id: "orders-db" }, body: { ...replica, name: "pg-us-east-1" } })).status).toBe(409);
    expect((await call(replicasRoute.POST, { method: "POST", token: token.admin, params: { id: "nope" }, body: replica })).status).toBe(404);

    const priority = await call(replicaRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "orders-db", name: "pg-europe-west3" }, body: { promotionPriority: 40, reason: "prefer the others" } });
    expect(priority.json.changeRequests).toHaveLength(1);
    const rejected = await call(rejectRoute.POST, { method: "POST", token: token.approver, params: { id: priority.json.changeRequests[0].id }, body: { reason: "keep the Frankfurt standby last" } });
    expect(rejected.json).toMatchObject({ kind: "topology", status: "rejected" });
    expect(await db().auditEvent.findFirst({ where: { action: "change_request.reject", changeRequestId: priority.json.changeRequests[0].id } })).toMatchObject({ serviceId: "orders-db", reason: "keep the Frankfurt standby last" });
    expect((await call(replicaRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "orders-db", name: "pg-nowhere" }, body: { promotionPriority: 40, reason: "x x x" } })).status).toBe(404);
    const retireWriter = await call(retireReplicaRoute.POST, { method: "POST", token: token.admin, params: { id: "orders-db", name: "pg-us-east-1" }, body: { reason: "decommission" } });
    expect(retireWriter.status).toBe(400);
    expect(retireWriter.json.error.message).toContain("rule write-replica-retired");

    const owner = await call(datasetRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "orders-db", name: "orders" }, body: { ownerTeam: "payments", reason: "team moved" } });
    expect(owner.json).toMatchObject({ applied: ["service:orders-db"], changeRequests: [] });
    expect((await db().dataset.findFirstOrThrow({ where: { serviceId: "orders-db", name: "orders" } })).ownerTeam).toBe("payments");

    const jurisdiction = await call(regionRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "gcp:europe-west3" }, body: { jurisdiction: "DE", reason: "German data law" } });
    expect(jurisdiction.json.changeRequests).toEqual([expect.objectContaining({ scope: "regions", requiredApprovals: 2 })]);
    const badField = await call(regionRoute.PATCH, { method: "PATCH", token: token.admin, params: { id: "gcp:europe-west3" }, body: { cloud: "aws", reason: "nope" } });
    expect(badField.status).toBe(400);
  });
});
