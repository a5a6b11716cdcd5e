import { beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "@/app/api/v1/change-requests/[id]/approve/route";
import * as changeRequestRoute from "@/app/api/v1/change-requests/[id]/route";
import * as serviceRoute from "@/app/api/v1/services/[id]/route";
import * as applyRoute from "@/app/api/v1/topology/apply/route";
import * as planRoute from "@/app/api/v1/topology/plan/route";
import type { FleetDocument, FleetService } from "@/contracts/topology";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";

/**
 * Issue 13, `approval: "always"`: the console submits a brand-new service
 * for review although an admin could create it alone. Nothing is written
 * until a second person approves; the approval creates the service with its
 * write route; its requester cannot approve it, even holding the approver
 * role. It needs the policy's count for changes that are not safety-relevant.
 */
const token = { requester: "", approver: "", viewer: "" };

beforeAll(async () => {
  await seedDemoTopology(db());
  // Admin and approver at once: only the two-person rule stops them approving their own request.
  token.requester = await tokenFor((await createTestUser("always-requester@example.com", ["admin", "approver"])).id);
  token.approver = await tokenFor((await createTestUser("always-approver@example.com", ["approver"])).id);
  token.viewer = await tokenFor((await createTestUser("always-viewer@example.com", ["viewer"])).id);
});

function billing(id: string, port: number): FleetService {
  return {
    id,
    name: "Billing",
    description: "",
    labels: {},
    engine: "postgresql",
    primary: `${id}-a`,
    datasets: [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 }],
    replicas: [
      { name: `${id}-a`, region: "aws:us-east-1", host: "10.9.0.1", port, database: "billing", replication: "sync", promotionPriority: 100, noPromote: false, witnessOnly: false },
      { name: `${id}-b`, region: "aws:eu-west-1", host: "10.9.0.2", port, database: "billing", replication: "sync", promotionPriority: 90, noPromote: false, witnessOnly: false },
    ],
  };
}

const apply = (document: FleetDocument, approval?: string) =>
  call(applyRoute.POST, { method: "POST", token: token.requester, body: { document, reason: "new billing cluster", ...(approval ? { approval } : {}) } });
const approve = (id: string, as: string) => call(approveRoute.POST, { method: "POST", token: as, params: { id }, body: {} });
const serviceRow = (id: string) => db().service.findUnique({ where: { id }, include: { replicas: true, datasets: true, writeReplica: true } });

describe('applying with approval "always"', () => {
  it("plans every changed scope as a change request, saying why and how many approvals", async () => {
    const document: FleetDocument = { version: 1, regions: [], services: [billing("billing-db", 5432)] };
    const asked = await call(planRoute.POST, { method: "POST", token: token.viewer, body: { document, approval: "always" } });
    expect(asked.status, JSON.stringify(asked.json)).toBe(200);
    expect(asked.json.scopes).toEqual([
      expect.objectContaining({ scope: "regions", mode: "none", requiredApprovals: null }),
      expect.objectContaining({ scope: "service:billing-db", mode: "change-request", requiredApprovals: 1, why: expect.stringContaining('approval "always" was asked') }),
    ]);
    const required = await call(planRoute.POST, { method: "POST", token: token.viewer, body: { document } });
    expect(required.json.scopes[1]).toMatchObject({ mode: "direct", requiredApprovals: null });
    const bad = await call(planRoute.POST, { method: "POST", token: token.viewer, body: { document, approval: "sometimes" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("approval");
  });

  it("opens a change request for a brand-new service, writes nothing else until a second person approves, and the approval creates it", async () => {
    const before = await tableCounts();
    const applied = await apply({ version: 1, regions: [], services: [billing("billing-db", 5432)] }, "always");
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    // The global policy asks 2 approvals for safety-relevant changes and 1 for the others: a new service is the latter.
    expect(applied.json).toMatchObject({ applied: [], unchanged: ["regions"], changeRequests: [{ scope: "service:billing-db", requiredApprovals: 1 }] });
    const id: string = applied.json.changeRequests[0].id;
    expect(await serviceRow("billing-db")).toBeNull();
    expect(await tableCounts()).toEqual({ ...before, audit: before.audit + 1 });

    const view = await call(changeRequestRoute.GET, { token: token.viewer, params: { id } });
    expect(view.json).toMatchObject({ kind: "topology", scope: "service:billing-db", status: "open", requiredApprovals: 1, approvalsSoFar: 0 });
    expect(view.json.diff.map((change: { text: string }) => change.text)).toEqual([expect.stringMatching(/^service billing-db added \(postgresql, primary billing-db-a\)/)]);

    const own = await approve(id, token.requester);
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/two-person rule/);
    expect(await serviceRow("billing-db")).toBeNull();

    const approved = await approve(id, token.approver);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(approved.json).toMatchObject({ status: "applied", approvalsSoFar: 1 });
    const created = await serviceRow("billing-db");
    expect(created?.writeReplica?.name).toBe("billing-db-a");
    expect(created?.replicas.map((replica) => [replica.name, replica.role, replica.replication]).sort()).toEqual([
      ["billing-db-a", "primary", "sync"],
      ["billing-db-b", "standby", "sync"],
    ]);
    expect(created?.datasets.map((dataset) => dataset.name)).toEqual(["invoices"]);
    const { json: service } = await call(serviceRoute.GET, { token: token.viewer, params: { id: "billing-db" } });
    expect(service).toMatchObject({ id: "billing-db", writeRegionId: "aws:us-east-1" });
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "topology.apply", changeRequestId: id } });
    expect(event).toMatchObject({ serviceId: "billing-db", actorLabel: "always-approver@example.com", reason: "new billing cluster" });
    expect(event.details).toMatchObject({ scope: "service:billing-db", revision: 1 });
  });

  it("without it, still creates a new service directly", async () => {
    const applied = await apply({ version: 1, regions: [], services: [billing("ledger-db", 5433)] });
    expect(applied.json).toMatchObject({ applied: ["service:ledger-db"], changeRequests: [] });
    expect((await serviceRow("ledger-db"))?.writeReplica?.name).toBe("ledger-db-a");
  });

  it("opens one request for new regions and one for the service in them; the service waits for its regions, refused naming the rule", async () => {
    const service = billing("archive-db", 5434);
    service.replicas[1]!.region = "azure:westeurope";
    const applied = await apply(
      { version: 1, regions: [{ cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }], services: [service] },
      "always",
    );
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const ids = Object.fromEntries(applied.json.changeRequests.map((request: { scope: string; id: string }) => [request.scope, request.id]));
    expect(Object.keys(ids)).toEqual(["regions", "service:archive-db"]);
    expect(await db().region.findUnique({ where: { id: "azure:westeurope" } })).toBeNull();

    const early = await approve(ids["service:archive-db"], token.approver);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toMatch(/unknown region azure:westeurope .*\(rule unknown-region\)/);
    expect(await serviceRow("archive-db")).toBeNull();

    expect((await approve(ids.regions, token.approver)).json).toMatchObject({ status: "applied" });
    expect((await approve(ids["service:archive-db"], token.approver)).json).toMatchObject({ status: "applied" });
    expect((await serviceRow("archive-db"))?.replicas.map((replica) => replica.regionId).sort()).toEqual(["aws:us-east-1", "azure:westeurope"]);
  });
});
