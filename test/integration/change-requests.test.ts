import { beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "@/app/api/v1/change-requests/[id]/approve/route";
import * as rebaseRoute from "@/app/api/v1/change-requests/[id]/rebase/route";
import * as rejectRoute from "@/app/api/v1/change-requests/[id]/reject/route";
import * as changeRequestRoute from "@/app/api/v1/change-requests/[id]/route";
import * as previewRoute from "@/app/api/v1/change-requests/preview/route";
import * as changeRequestsRoute from "@/app/api/v1/change-requests/route";
import * as emergencyRoute from "@/app/api/v1/policies/[id]/emergency/route";
import * as versionsRoute from "@/app/api/v1/policies/[id]/versions/route";
import * as policiesRoute from "@/app/api/v1/policies/route";
import * as reviewRoute from "@/app/api/v1/policies/versions/[id]/review/route";
import * as servicePolicyRoute from "@/app/api/v1/services/[id]/policy/route";
import type { PolicyDocument } from "@/contracts/policy";
import { db } from "@/server/db/client";
import { effectivePolicies } from "@/server/policy/effective-policy";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { freshWindow, ordersPolicy } from "../support/policies";

const MIB = 1024 * 1024;
const token: Record<"requester" | "alice" | "bob" | "carol" | "operator" | "opapprover" | "viewer", string> = {} as never;

beforeAll(async () => {
  await seedDemoTopology(db());
  // The requester is an approver too, so the two-person rule (not the role check) is what stops them.
  const users = {
    requester: ["admin", "approver"],
    alice: ["approver"],
    bob: ["approver"],
    carol: ["approver"],
    operator: ["operator"],
    opapprover: ["operator", "approver"],
    viewer: ["viewer"],
  } as const;
  for (const [name, roles] of Object.entries(users)) {
    token[name as keyof typeof token] = await tokenFor((await createTestUser(`${name}@example.com`, [...roles])).id);
  }
});

async function propose(document: PolicyDocument, options: { as?: string; reason?: string; serviceId?: string | null } = {}) {
  return call(changeRequestsRoute.POST, {
    method: "POST",
    token: options.as ?? token.requester,
    body: { serviceId: options.serviceId === undefined ? "orders-db" : options.serviceId, document, reason: options.reason ?? "integration test" },
  });
}

const approve = (id: string, as: string, comment?: string) => call(approveRoute.POST, { method: "POST", token: as, params: { id }, body: comment ? { comment } : {} });
const reject = (id: string, as: string, reason: string) => call(rejectRoute.POST, { method: "POST", token: as, params: { id }, body: { reason } });
const rebase = (id: string, as: string) => call(rebaseRoute.POST, { method: "POST", token: as, params: { id } });
const currentOrdersVersion = async () => (await effectivePolicies(["orders-db"])).get("orders-db")!.version;

/** Everything a decision could write. */
async function writes() {
  const client = db();
  const [versions, approvals, audit, requests] = await Promise.all([client.policyVersion.count(), client.approval.count(), client.auditEvent.count(), client.changeRequest.findMany({ orderBy: { id: "asc" } })]);
  return { versions, approvals, audit, requests: JSON.stringify(requests) };
}

let forSeconds = 30;
/** A change of one non-safety-relevant field: one approval applies it. */
const minorChange = () => ordersPolicy((d) => (d.alerts.forSeconds = ++forSeconds));

describe("proposing a change", () => {
  it("answers with the readable diff, the consequences and the approvals needed, and audits the request in the same transaction", async () => {
    const { status, json } = await propose(await ordersPolicy((d) => (d.failover.maxLagBytes = 64 * MIB)), { reason: "let the async standby take over" });
    expect(status, JSON.stringify(json)).toBe(201);
    expect(json).toMatchObject({ status: "open", scope: "service:orders-db", baseVersion: 1, currentVersion: 1, stale: false, requiredApprovals: 2, approvalsSoFar: 0, requester: "requester@example.com" });
    expect(json.diff.map((change: { text: string }) => change.text)).toEqual(["failover.maxLagBytes: 1 MiB → 64 MiB"]);
    expect(json.safetyRelevantFields).toEqual(["failover.maxLagBytes"]);
    expect(json.consequences[0]).toMatch(/^failover\.maxLagBytes 1 MiB → 64 MiB: /);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "change_request.create", changeRequestId: json.id } });
    expect(event).toMatchObject({ targetType: "change_request", targetId: json.id, serviceId: "orders-db", reason: "let the async standby take over" });
    expect(await currentOrdersVersion()).toBe(1);
  });

  it("previews the same judgement without writing anything", async () => {
    const before = await writes();
    const { status, json } = await call(previewRoute.POST, { method: "POST", token: token.requester, body: { serviceId: "orders-db", document: await minorChange(), reason: "preview" } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ requiredApprovals: 1, safetyRelevantFields: [], approvalsSentence: "needs 1 approval: no safety-relevant field changes" });
    expect(await writes()).toEqual(before);
  });

  it("refuses a document breaking a rule with 400 naming field and rule, writing nothing", async () => {
    const before = await writes();
    const quorum = await propose(await ordersPolicy((d) => (d.witness.quorum = 3)));
    expect(quorum.status).toBe(400);
    expect(quorum.json.error).toEqual({
      code: "validation_failed",
      field: "document.witness.quorum",
      message: "witness.quorum: quorum 3 exceeds the 2 witness regions of orders-db (a region is judged by the other regions)",
    });
    const dataset = await propose(await ordersPolicy((d) => (d.datasets.payments = { replication: "async", residency: { jurisdictions: ["EU"], regions: [] } })));
    expect(dataset.status).toBe(400);
    expect(dataset.json.error.message).toContain("datasets.payments: no dataset payments on orders-db");
    const residency = await propose(await ordersPolicy((d) => (d.datasets.orders!.residency.jurisdictions = ["EU", "XX"])));
    expect(residency.json.error.message).toBe("datasets.orders.residency.jurisdictions: unknown jurisdiction XX (known: EU, US)");
    const zod = await propose(await ordersPolicy((d) => (d.witness.quorum = 0)));
    expect(zod.status).toBe(400);
    expect(zod.json.error.field).toBe("document.witness.quorum");
    const unchanged = await propose(await ordersPolicy());
    expect(unchanged.status).toBe(400);
    expect(unchanged.json.error.message).toMatch(/nothing to change/);
    expect(await writes()).toEqual(before);
  });

  it("lets a rule the version in force already breaks (the topology moved) stand, but refuses a change that adds one", async () => {
    const syncStandby = { id: (await db().replica.findFirstOrThrow({ where: { serviceId: "orders-db", name: "pg-eu-west-1" } })).id };
    await db().replica.update({ where: syncStandby, data: { replication: "async" } });
    try {
      const unrelated = await call(previewRoute.POST, { method: "POST", token: token.requester, body: { serviceId: "orders-db", document: await minorChange(), reason: "unrelated" } });
      expect(unrelated.status, JSON.stringify(unrelated.json)).toBe(200);
      const worse = await call(previewRoute.POST, {
        method: "POST",
        token: token.requester,
        body: { serviceId: "orders-db", document: await ordersPolicy((d) => (d.datasets["order-history"]!.replication = "sync")), reason: "worse" },
      });
      expect(worse.status).toBe(400);
      expect(worse.json.error.message).toBe("datasets.order-history.replication: sync replication needs a synchronous standby, and orders-db has none");
    } finally {
      await db().replica.update({ where: syncStandby, data: { replication: "sync" } });
    }
  });

  it("is for admins: an approver who is not an admin gets 403", async () => {
    expect((await propose(await minorChange(), { as: token.alice })).status).toBe(403);
  });
});

describe("approving: the two-person rule and M approvals", () => {
  it("refuses the requester's own approval with 403 and writes nothing", async () => {
    const { json: request } = await propose(await minorChange());
    const before = await writes();
    const { status, json } = await approve(request.id, token.requester);
    expect(status).toBe(403);
    expect(json.error.message).toBe("Refused: two-person rule: the requester cannot approve their own change request; another approver must.");
    expect(await writes()).toEqual(before);
  });

  it("needs a second approver when M = 2, counts each approver once, then applies the version atomically with its audit events", async () => {
    const versionBefore = await currentOrdersVersion();
    const { json: request } = await propose(await ordersPolicy((d) => (d.failover.cooldownSeconds = 600)));
    expect(request.requiredApprovals).toBe(2);

    const first = await approve(request.id, token.alice, "looks right");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: "open", approvalsSoFar: 1, appliedVersion: null });
    expect(await currentOrdersVersion()).toBe(versionBefore);

    const again = await approve(request.id, token.alice);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/alice@example.com has already decided/);

    const second = await approve(request.id, token.bob);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ status: "applied", approvalsSoFar: 2, appliedVersion: { version: versionBefore + 1 } });
    expect(second.json.approvals.map((a: { approver: string; decision: string; comment: string | null }) => [a.approver, a.decision, a.comment])).toEqual([
      ["alice@example.com", "approved", "looks right"],
      ["bob@example.com", "approved", null],
    ]);

    // In force at once, through the one reader alerts and runbooks use.
    const effective = (await effectivePolicies(["orders-db"])).get("orders-db")!;
    expect(effective).toMatchObject({ version: versionBefore + 1, versionId: second.json.appliedVersion.id });
    expect(effective.document.failover.cooldownSeconds).toBe(600);
    const served = await call(servicePolicyRoute.GET, { token: token.viewer, params: { id: "orders-db" } });
    expect(served.json).toMatchObject({ scope: "service:orders-db", inherited: false, version: versionBefore + 1, emergency: false });

    const events = await db().auditEvent.findMany({ where: { changeRequestId: request.id }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.action, event.actorLabel, event.policyVersionId])).toEqual([
      ["change_request.create", "requester@example.com", null],
      ["change_request.approve", "alice@example.com", null],
      ["change_request.approve", "bob@example.com", second.json.appliedVersion.id],
      ["policy.apply", "bob@example.com", second.json.appliedVersion.id],
    ]);
    const version = await db().policyVersion.findUniqueOrThrow({ where: { id: second.json.appliedVersion.id } });
    expect(version).toMatchObject({ changeRequestId: request.id, emergency: false });

    const decided = await approve(request.id, token.carol);
    expect(decided.status).toBe(409);
    expect(decided.json.error.message).toMatch(/the request is applied/);
  });

  it("applies exactly one version when two final approvals race", async () => {
    const { json: request } = await propose(await minorChange());
    const versionsBefore = await db().policyVersion.count();
    const answers = await Promise.all([approve(request.id, token.alice), approve(request.id, token.bob), approve(request.id, token.carol)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect(await db().policyVersion.count()).toBe(versionsBefore + 1);
    expect(await db().approval.count({ where: { changeRequestId: request.id } })).toBe(1);
    expect(await db().auditEvent.count({ where: { changeRequestId: request.id, action: "policy.apply" } })).toBe(1);
  });
});

describe("rejecting and expiring", () => {
  it("lets any approver reject with a reason, after which nobody can approve", async () => {
    const { json: request } = await propose(await minorChange());
    expect((await call(rejectRoute.POST, { method: "POST", token: token.alice, params: { id: request.id }, body: {} })).status).toBe(400);
    const { status, json } = await reject(request.id, token.alice, "thirty seconds pages too early");
    expect(status).toBe(200);
    expect(json.status).toBe("rejected");
    expect(json.approvals).toEqual([expect.objectContaining({ approver: "alice@example.com", decision: "rejected", comment: "thirty seconds pages too early" })]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { changeRequestId: request.id, action: "change_request.reject" } });
    expect(event.reason).toBe("thirty seconds pages too early");
    expect((await approve(request.id, token.bob)).status).toBe(409);
  });

  it("refuses decisions after the deadline with 409, writing nothing, and lists the request as expired", async () => {
    const { json: request } = await propose(await minorChange());
    await db().changeRequest.update({ where: { id: request.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await writes();
    const { status, json } = await approve(request.id, token.alice);
    expect(status).toBe(409);
    expect(json.error.message).toMatch(/^Refused: the request expired at .*; propose the change again\.$/);
    expect(await writes()).toEqual(before);
    expect((await call(changeRequestRoute.GET, { token: token.viewer, params: { id: request.id } })).json.status).toBe("expired");
    const ids = async (status: string) =>
      (await call(changeRequestsRoute.GET, { token: token.viewer, path: `/api/v1/change-requests?status=${status}&serviceId=orders-db` })).json.changeRequests.map((r: { id: string }) => r.id);
    expect(await ids("expired")).toContain(request.id);
    expect(await ids("open")).not.toContain(request.id);
  });
});

describe("a request whose base is no longer current", () => {
  it("is refused with 409 (rebase) and nothing written; its requester rebases it, dropping approvals, and it then applies", async () => {
    const { json: stale } = await propose(await ordersPolicy((d) => (d.heartbeat.missesBeforeUnfit = 6)));
    expect((await approve(stale.id, token.alice)).status).toBe(200);
    const { json: overtaking } = await propose(await minorChange());
    expect((await approve(overtaking.id, token.bob)).json.status).toBe("applied");

    const before = await writes();
    const refused = await approve(stale.id, token.bob);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/rebase needed: the request was written against version \d+, but version \d+ is in force now/);
    expect(await writes()).toEqual(before);
    expect((await call(changeRequestRoute.GET, { token: token.viewer, params: { id: stale.id } })).json.stale).toBe(true);

    expect((await rebase(stale.id, token.alice)).status).toBe(403);
    const rebased = await rebase(stale.id, token.requester);
    expect(rebased.status).toBe(200);
    expect(rebased.json).toMatchObject({ stale: false, baseVersion: await currentOrdersVersion(), approvalsSoFar: 0 });
    // The diff is now against the newer version: it would undo the overtaking change too.
    expect(rebased.json.diff.map((change: { field: string }) => change.field)).toEqual(["alerts.forSeconds", "heartbeat.missesBeforeUnfit"]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { changeRequestId: stale.id, action: "change_request.rebase" } });
    expect(event.before).toMatchObject({ baseVersion: stale.baseVersion });

    expect((await approve(stale.id, token.alice)).json.status).toBe("open");
    expect((await approve(stale.id, token.carol)).json.status).toBe("applied");
  });
});

describe("emergency changes", () => {
  it("apply at once for an operator, flagged, and wait for an approver's after-the-fact review", async () => {
    const versionBefore = await currentOrdersVersion();
    const { json: pending } = await propose(await minorChange());
    const { status, json: version } = await call(emergencyRoute.POST, {
      method: "POST",
      token: token.operator,
      params: { id: "service:orders-db" },
      body: { document: await ordersPolicy((d) => (d.failover.automatic = false)), reason: "region flapping, stop automation" },
    });
    expect(status, JSON.stringify(version)).toBe(201);
    expect(version).toMatchObject({ version: versionBefore + 1, current: true, emergency: true, review: null, author: "operator@example.com", changeRequestId: null });
    expect((await effectivePolicies(["orders-db"])).get("orders-db")!.document.failover.automatic).toBe(false);
    const applied = await db().auditEvent.findFirstOrThrow({ where: { action: "policy.emergency_apply", policyVersionId: version.id } });
    expect(applied).toMatchObject({ reason: "region flapping, stop automation", serviceId: "orders-db" });
    expect(applied.details).toMatchObject({ emergency: true, needsReview: true });
    // Requests written before it must now be rebased.
    expect((await approve(pending.id, token.alice)).status).toBe(409);

    const listed = await call(policiesRoute.GET, { token: token.viewer });
    expect(listed.json.policies.find((p: { scope: string }) => p.scope === "service:orders-db").unreviewedEmergencies).toBe(1);

    const own = await call(reviewRoute.POST, { method: "POST", token: token.opapprover, params: { id: version.id }, body: { note: "fine" } });
    expect(own.status).toBe(200);
    const twice = await call(reviewRoute.POST, { method: "POST", token: token.alice, params: { id: version.id }, body: { note: "again" } });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/already reviewed by opapprover@example.com/);
    const reviewed = await call(versionsRoute.GET, { token: token.viewer, params: { id: "service:orders-db" } });
    expect(reviewed.json.versions[0]).toMatchObject({ id: version.id, emergency: true, review: { reviewedBy: "opapprover@example.com", note: "fine" } });
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "policy.emergency_review", policyVersionId: version.id } });
    expect(event).toMatchObject({ targetType: "policy_version", targetId: version.id, actorLabel: "opapprover@example.com" });
  });

  it("cannot be reviewed by the operator who applied it", async () => {
    const { json: version } = await call(emergencyRoute.POST, {
      method: "POST",
      token: token.opapprover,
      params: { id: "service:orders-db" },
      body: { document: await ordersPolicy((d) => d.maintenanceWindows.push(freshWindow("disk swap"))), reason: "disk swap tonight" },
    });
    expect(version.emergency).toBe(true);
    const own = await call(reviewRoute.POST, { method: "POST", token: token.opapprover, params: { id: version.id }, body: { note: "mine is fine" } });
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/Two-person rule/);
  });

  it("refuse anything but turning automation off or adding a maintenance window, writing nothing", async () => {
    const before = await writes();
    const { status, json } = await call(emergencyRoute.POST, {
      method: "POST",
      token: token.operator,
      params: { id: "service:orders-db" },
      body: { document: await ordersPolicy((d) => (d.failover.maxLagBytes = 512 * MIB)), reason: "hurry" },
    });
    expect(status).toBe(400);
    expect(json.error.field).toBe("document.failover.maxLagBytes");
    expect(json.error.message).toMatch(/^failover\.maxLagBytes: not an emergency change \(failover\.maxLagBytes: 1 MiB → 512 MiB\)/);
    const reenable = await call(emergencyRoute.POST, {
      method: "POST",
      token: token.operator,
      params: { id: "service:orders-db" },
      body: { document: await ordersPolicy((d) => (d.failover.automatic = true)), reason: "back on" },
    });
    expect(reenable.status).toBe(400);
    expect(await writes()).toEqual(before);
    const unknown = await call(emergencyRoute.POST, { method: "POST", token: token.operator, params: { id: "nope" }, body: { document: await ordersPolicy(), reason: "x-x-x" } });
    expect(unknown.status).toBe(404);
  });
});

describe("policy versions", () => {
  it("are listed newest first by scope or by id, each with author, change request and emergency flag", async () => {
    const byScope = await call(versionsRoute.GET, { token: token.viewer, params: { id: "service:orders-db" } });
    expect(byScope.status).toBe(200);
    const versions = byScope.json.versions as { version: number; current: boolean; author: string | null; changeRequestId: string | null; emergency: boolean }[];
    expect(versions.map((v) => v.version)).toEqual([...versions.map((v) => v.version)].sort((a, b) => b - a));
    expect(versions.filter((v) => v.current)).toHaveLength(1);
    expect(versions.at(-1)).toMatchObject({ version: 1, author: null, changeRequestId: null, emergency: false });
    expect(versions.some((v) => v.changeRequestId !== null && v.author === "requester@example.com")).toBe(true);
    const byId = await call(versionsRoute.GET, { token: token.viewer, params: { id: byScope.json.policyId } });
    expect(byId.json.versions).toEqual(byScope.json.versions);
    expect((await call(versionsRoute.GET, { token: token.viewer, params: { id: "service:nope" } })).status).toBe(404);
  });

  it("of the global default go through the same review", async () => {
    const global = await call(versionsRoute.GET, { token: token.viewer, params: { id: "global" } });
    const document = { ...global.json.versions[0].document, alerts: { ...global.json.versions[0].document.alerts, conflictsPerMinuteMax: 20 } };
    const { status, json } = await propose(document, { serviceId: null });
    expect(status, JSON.stringify(json)).toBe(201);
    expect(json).toMatchObject({ scope: "global", serviceId: null, requiredApprovals: 1 });
    expect((await approve(json.id, token.alice)).json.status).toBe("applied");
    expect((await call(versionsRoute.GET, { token: token.viewer, params: { id: "global" } })).json.currentVersion).toBe(2);
  });
});
