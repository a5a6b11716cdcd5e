import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ownPasswordRoute } from "@/app/api/v1/account/password/route";
import { POST as approveChangeRoute } from "@/app/api/v1/change-requests/[id]/approve/route";
import { POST as reviewEmergencyRoute } from "@/app/api/v1/policies/versions/[id]/review/route";
import { POST as approveGrantRoute } from "@/app/api/v1/role-grants/[id]/approve/route";
import { POST as rejectGrantRoute } from "@/app/api/v1/role-grants/[id]/reject/route";
import { GET as grantsRoute } from "@/app/api/v1/role-grants/route";
import { POST as approveStepRoute } from "@/app/api/v1/runs/[id]/steps/[stepId]/approve/route";
import { POST as addReplicaRoute } from "@/app/api/v1/services/[id]/replicas/route";
import { GET as servicesRoute } from "@/app/api/v1/services/route";
import { POST as resetPasswordRoute } from "@/app/api/v1/users/[id]/password/route";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { db } from "@/server/db/client";
import type { HeldLease } from "@/server/lease/assert-lease";
import { acquireLease } from "@/server/lease/lease";
import { seedDemoTopology } from "../support/demo-topology";
import { call, consoleSession, createTestUser, tokenFor } from "../support/api";
import { changeRequestFixture } from "../support/policies";
import { runFixture } from "../support/runs";
import { refreshSession, SESSION_COOKIE, signInCookie, signOutCookie } from "../support/sessions";
import { startAlertWebhook, type TestWebhook } from "../support/webhook";
import { groupKeyOf } from "@/core/notifications/notification-groups";

const PASSWORD = "test-password-1234";
const GiB = 1024 ** 3;
const token: Record<"alice" | "bob" | "dave" | "erin", string> = { alice: "", bob: "", dave: "", erin: "" };
const id: Record<"alice" | "bob" | "dave" | "erin", string> = { alice: "", bob: "", dave: "", erin: "" };
let webhook: TestWebhook;
let lease: HeldLease;

beforeAll(async () => {
  await seedDemoTopology(db());
  // Accounts the host made: nobody vouched for them.
  for (const [name, roles] of [
    ["alice", ["admin"]],
    ["bob", ["admin"]],
    ["dave", ["approver"]],
    ["erin", ["admin"]],
  ] as const) {
    const user = await createTestUser(`${name}@example.com`, [...roles], PASSWORD);
    id[name] = user.id;
    token[name] = await tokenFor(user.id);
  }
  webhook = await startAlertWebhook();
  const grant = await acquireLease(ALERTING_LEASE, "accounts-test", 600_000);
  lease = { name: ALERTING_LEASE, holder: "accounts-test", token: grant.token };
});

afterAll(async () => {
  await webhook?.close();
});

const approveChange = (changeRequestId: string, as: string) => call(approveChangeRoute, { method: "POST", token: as, params: { id: changeRequestId }, body: { comment: "looks fine" } });
const approveGrant = (grantId: string, as: string) => call(approveGrantRoute, { method: "POST", token: as, params: { id: grantId }, body: { note: "checked" } });
const api = (as: string | { cookie: string }) => call(servicesRoute, typeof as === "string" ? { token: as } : as);

async function createPerson(email: string, roles: string[], as = token.alice) {
  const created = await call(createUserRoute, { method: "POST", token: as, body: { email, password: PASSWORD, roles, reason: "joins the on-call rotation" } });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json;
}

describe("granting approver or admin", () => {
  let carolGrant: string;

  it("gives a new account nothing privileged until a second admin approves; neither the requester nor the grantee can", async () => {
    const carol = await createPerson("carol@example.com", ["approver", "viewer"]);
    expect(carol).toMatchObject({ roles: ["viewer"], pendingGrants: [{ roles: ["approver"], status: "pending", requester: "alice@example.com", reason: "joins the on-call rotation" }] });
    carolGrant = carol.pendingGrants[0].id;
    const carolToken = await tokenFor(carol.id);

    // Not an approver yet: the role check stops her.
    const early = await approveChange(await changeRequestFixture("alice@example.com", (d) => (d.failover.maxLagBytes = GiB)), carolToken);
    expect(early.status).toBe(403);

    const own = await approveGrant(carolGrant, token.alice);
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/^Refused: alice@example.com asked for this grant \(Two-person rule/);
    const grantee = await approveGrant(carolGrant, carolToken);
    expect(grantee.status).toBe(403);

    const approved = await approveGrant(carolGrant, token.bob);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(approved.json).toMatchObject({ status: "applied", requester: "alice@example.com", decider: "bob@example.com" });
    expect((await db().user.findUniqueOrThrow({ where: { id: carol.id } })).roles).toEqual(["viewer", "approver"]);
    expect((await approveGrant(carolGrant, token.erin)).status).toBe(409);

    const events = await db().auditEvent.findMany({ where: { targetId: carol.id }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.action, event.actorLabel])).toEqual([
      ["user.create", "alice@example.com"],
      ["user.grant_request", "alice@example.com"],
      ["user.grant_approve", "bob@example.com"],
    ]);
    expect(events[2]).toMatchObject({ before: { roles: ["viewer"] }, after: { roles: ["viewer", "approver"] } });
  });

  it("makes an admin adding approver to themselves wait for another admin too", async () => {
    const asked = await call(updateUserRoute, { method: "PATCH", token: token.erin, params: { id: id.erin }, body: { roles: ["admin", "approver"] } });
    expect(asked.json).toMatchObject({ roles: ["admin"], pendingGrants: [{ roles: ["approver"], requester: "erin@example.com" }] });
    expect((await approveGrant(asked.json.pendingGrants[0].id, token.erin)).status).toBe(403);
    const again = await call(updateUserRoute, { method: "PATCH", token: token.erin, params: { id: id.erin }, body: { roles: ["admin", "approver"] } });
    expect(again.status).toBe(409);
    const withdrawn = await call(rejectGrantRoute, { method: "POST", token: token.erin, params: { id: asked.json.pendingGrants[0].id }, body: { reason: "asked by mistake" } });
    expect(withdrawn.json).toMatchObject({ status: "rejected", decider: "erin@example.com", decisionNote: "asked by mistake" });
  });

  it("makes approver on more services, or fleet-wide, wait for a second admin too; a narrower limit applies at once", async () => {
    const mia = await createTestUser("mia@example.com", ["approver"], PASSWORD);
    await db().roleScope.create({ data: { userId: mia.id, role: "approver", serviceIds: ["orders-db"] } });
    const patch = (body: object) => call(updateUserRoute, { method: "PATCH", token: token.alice, params: { id: mia.id }, body });
    const lifted = await patch({ serviceScopes: {}, reason: "approves for every service now" });
    expect(lifted.json).toMatchObject({ serviceScopes: { approver: ["orders-db"] }, pendingGrants: [{ roles: ["approver"], serviceScopes: {}, status: "pending" }] });
    const approved = await approveGrant(lifted.json.pendingGrants[0].id, token.bob);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(await db().roleScope.count({ where: { userId: mia.id } })).toBe(0);
    const narrowed = await patch({ serviceScopes: { approver: ["orders-db"] } });
    expect(narrowed.json).toMatchObject({ serviceScopes: { approver: ["orders-db"] }, pendingGrants: [] });
  });

  it("raises an alert about no service for every grant, sent to the webhooks and audited", async () => {
    await evaluateAlerts(lease);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "privileged-grant", subjectKey: `grant:${carolGrant}` } });
    expect(alert).toMatchObject({ serviceId: null, state: "firing", subjectLabel: "carol@example.com" });
    expect(alert.sentence).toMatch(/^carol@example.com was granted approver at .+ at the request of alice@example.com, approved by bob@example.com; cool-off until /);
    expect(await db().auditEvent.count({ where: { action: "alert.fire", targetId: alert.id } })).toBe(1);
    // Notified in the installation's group (the accounts'), as one of its alerts.
    const notifications = await db().alertNotification.findMany({ where: { groupKey: groupKeyOf(null) } });
    expect(notifications.filter((notification) => (notification.group as { alerts: { id: string }[] }).alerts.some((notified) => notified.id === alert.id))).toHaveLength(1);
  });

  it("refuses approvals from an account the requester created or promoted recently: change requests and runs' approval steps", async () => {
    const carolToken = await tokenFor((await db().user.findUniqueOrThrow({ where: { email: "carol@example.com" } })).id);
    const lagLimit = await changeRequestFixture("alice@example.com", (d) => (d.failover.maxLagBytes = GiB));

    const refused = await approveChange(lagLimit, carolToken);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(
      /^Refused: carol@example.com still signs in with the password alice@example.com chose when they created the account at .+; its owner must change it \(Settings → Your account\) first; and cool-off: carol@example.com was granted approver at the request of alice@example.com at .+; an account its requester created, promoted or reset cannot approve that requester's changes for 7 days \(until .+\); another approver must\.$/,
    );
    expect(await db().approval.count({ where: { changeRequestId: lagLimit } })).toBe(0);
    expect((await approveChange(lagLimit, token.dave)).status).toBe(200);
    // Bob approved her grant: she is not a second person for him either.
    expect((await approveChange(await changeRequestFixture("bob@example.com"), carolToken)).status).toBe(403);
    // For anyone else she counts.
    expect((await approveChange(await changeRequestFixture("erin@example.com"), carolToken)).status).toBe(200);

    const run = await runFixture({ stepKind: "approval", startedById: id.alice });
    const step = await call(approveStepRoute, { method: "POST", token: carolToken, params: { id: run.id, stepId: "decide" }, body: { note: "ok" } });
    expect(step.status).toBe(403);
    expect(step.json.error.message).toMatch(/cool-off: carol@example.com/);
    expect((await db().stepRun.findFirstOrThrow({ where: { runId: run.id } })).state).toBe("waiting");
    expect((await call(approveStepRoute, { method: "POST", token: token.dave, params: { id: run.id, stepId: "decide" }, body: { note: "ok" } })).status).toBe(200);

    const replica = { name: "pg-accomplice", region: "aws:eu-west-1", host: "10.9.9.9", port: 5432, database: "orders", replication: "async", reason: "a standby of my own" };
    const added = await call(addReplicaRoute, { method: "POST", token: token.alice, params: { id: "orders-db" }, body: replica });
    const topologyChange = added.json.changeRequests[0].id;
    const topologyRefused = await approveChange(topologyChange, carolToken);
    expect(topologyRefused.status).toBe(403);
    expect(topologyRefused.json.error.message).toMatch(/cool-off: carol@example.com/);
    expect(await db().approval.count({ where: { changeRequestId: topologyChange } })).toBe(0);

    // An emergency change's after-the-fact review is the second person's too. Alice applied one (the same document again).
    const policy = await db().policy.findUniqueOrThrow({ where: { scope: "service:orders-db" }, include: { versions: { orderBy: { version: "desc" }, take: 1 } } });
    const version = policy.currentVersion + 1;
    const [emergency] = await db().$transaction([
      db().policyVersion.create({ data: { policyId: policy.id, version, document: policy.versions[0]!.document!, createdById: id.alice, emergency: true } }),
      db().policy.update({ where: { id: policy.id }, data: { currentVersion: version } }),
    ]);
    const review = (as: string) => call(reviewEmergencyRoute, { method: "POST", token: as, params: { id: emergency.id }, body: { note: "seen" } });
    const reviewRefused = await review(carolToken);
    expect(reviewRefused.status).toBe(403);
    expect(reviewRefused.json.error.message).toMatch(/cool-off: carol@example.com/);
    expect(await db().auditEvent.count({ where: { action: "policy.emergency_review", policyVersionId: emergency.id } })).toBe(0);
    expect((await review(token.dave)).status).toBe(200);
  });

  it("lets the account count again once the cool-off has passed and its owner has chosen their own password", async () => {
    const carol = await db().user.findUniqueOrThrow({ where: { email: "carol@example.com" } });
    const longAgo = new Date(Date.now() - 8 * 86_400_000);
    await db().user.update({ where: { id: carol.id }, data: { createdAt: longAgo } });
    await db().roleGrant.updateMany({ where: { userId: carol.id }, data: { decidedAt: longAgo } });
    const stillAlices = await approveChange(await changeRequestFixture("alice@example.com"), await tokenFor(carol.id));
    expect(stillAlices.status).toBe(403);
    expect(stillAlices.json.error.message).toMatch(/^Refused: carol@example.com still signs in with the password alice@example.com chose when they created the account at .+; another approver must\.$/);

    const changed = await call(ownPasswordRoute, { method: "POST", ...(await consoleSession(carol.id)), body: { currentPassword: PASSWORD, newPassword: "only-carol-knows-1" } });
    expect(changed.status).toBe(200);
    expect((await approveChange(await changeRequestFixture("alice@example.com"), await tokenFor(carol.id))).status).toBe(200);
    // Its alert resolves with the window.
    await evaluateAlerts(lease);
    expect(await db().alert.findFirstOrThrow({ where: { subjectKey: `grant:${carolGrant}` } })).toMatchObject({ state: "resolved" });
  });

  it("lists grants for admins", async () => {
    const listed = await call(grantsRoute, { path: "/api/v1/role-grants?status=applied", token: token.bob });
    expect(listed.json.grants.map((grant: { user: string }) => grant.user)).toContain("carol@example.com");
  });
});

describe("passwords", () => {
  it("change only with the current one, and end every session and token of their owner", async () => {
    const frank = await createTestUser("frank@example.com", ["operator"], PASSWORD);
    const frankToken = await tokenFor(frank.id);
    const cookie = await signInCookie("frank@example.com", PASSWORD);
    expect((await api({ cookie })).status).toBe(200);

    // In a signed-in session, from the console's own page: never with an API token.
    expect((await call(ownPasswordRoute, { method: "POST", token: frankToken, body: { currentPassword: PASSWORD, newPassword: "a-brand-new-password" } })).status).toBe(403);
    const console = { headers: { origin: "http://switchyard.test" } };
    const wrong = await call(ownPasswordRoute, { method: "POST", cookie, ...console, body: { currentPassword: "not-my-password", newPassword: "a-brand-new-password" } });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toMatchObject({ message: "The current password is wrong.", field: "currentPassword" });
    expect((await api(frankToken)).status).toBe(200);
    expect(await db().auditEvent.count({ where: { action: "user.password_change", outcome: "failure", targetId: frank.id } })).toBe(1);

    const changed = await call(ownPasswordRoute, { method: "POST", cookie, ...console, body: { currentPassword: PASSWORD, newPassword: "a-brand-new-password" } });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json).toEqual({ sessionsEnded: true, tokensRevoked: 1 });
    expect((await api(frankToken)).status).toBe(401);
    expect((await api({ cookie })).status).toBe(401);
    expect((await api({ cookie: await signInCookie("frank@example.com", "a-brand-new-password") })).status).toBe(200);
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "user.password_change", outcome: "success", targetId: frank.id } })).toMatchObject({ actorLabel: "frank@example.com", details: { tokensRevoked: 1, sessionsEnded: true } });
  });

  it("proving the current one is held to the sign-in limits: a stolen session cannot guess it faster than a stranger", async () => {
    const oscar = await createTestUser("oscar@example.com", ["operator"], PASSWORD);
    const cookie = await signInCookie("oscar@example.com", PASSWORD);
    const attempt = (currentPassword: string) =>
      call(ownPasswordRoute, { method: "POST", cookie, headers: { origin: "http://switchyard.test" }, body: { currentPassword, newPassword: "a-guessed-new-password" } });
    for (let guess = 1; guess <= 5; guess++) expect((await attempt(`guess-number-${guess}`)).status).toBe(403);
    const held = await attempt("guess-number-6");
    expect(held.status).toBe(429);
    expect(held.json.error.code).toBe("rate_limited");
    // Held even with the right one: the wait is on the account from this address, not on a wrong answer.
    expect((await attempt(PASSWORD)).status).toBe(429);
    expect(await db().auditEvent.count({ where: { action: "user.password_change", outcome: "failure", targetId: oscar.id, reason: "wrong_password" } })).toBe(5);
    expect(await db().auditEvent.count({ where: { action: "user.password_change", outcome: "failure", reason: "throttled" } })).toBe(1);
    expect((await db().user.findUniqueOrThrow({ where: { id: oscar.id } })).passwordHash).toBe(oscar.passwordHash);
  });

  it("are reset by an admin for someone else (not themselves), ending that person's sessions and tokens", async () => {
    const gina = await createTestUser("gina@example.com", ["viewer"], PASSWORD);
    const ginaToken = await tokenFor(gina.id);
    const cookie = await signInCookie("gina@example.com", PASSWORD);
    const reset = await call(resetPasswordRoute, { method: "POST", token: token.erin, params: { id: gina.id }, body: { newPassword: "given-by-the-admin-1" } });
    expect(reset.json).toEqual({ sessionsEnded: true, tokensRevoked: 1 });
    expect((await api(ginaToken)).status).toBe(401);
    expect((await api({ cookie })).status).toBe(401);
    expect((await api({ cookie: await signInCookie("gina@example.com", "given-by-the-admin-1") })).status).toBe(200);
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "user.password_reset", targetId: gina.id } })).toMatchObject({ actorLabel: "erin@example.com", details: { tokensRevoked: 1 } });

    const self = await call(resetPasswordRoute, { method: "POST", token: token.erin, params: { id: id.erin }, body: { newPassword: "no-current-needed-1" } });
    expect(self.status).toBe(403);
    expect((await api(token.erin)).status).toBe(200);
  });

  it("reset by an admin make the account no second person for that admin, and raise an alert when it approves", async () => {
    const harry = await createTestUser("harry@example.com", ["approver"], PASSWORD);
    await call(resetPasswordRoute, { method: "POST", token: token.alice, params: { id: harry.id }, body: { newPassword: "alice-knows-this-1" } });
    const harryToken = await tokenFor(harry.id);
    const refused = await approveChange(await changeRequestFixture("alice@example.com"), harryToken);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/harry@example.com was given a new password by alice@example.com/);
    await evaluateAlerts(lease);
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "privileged-password-reset", subjectLabel: "harry@example.com" } });
    expect(alert).toMatchObject({ serviceId: null, state: "firing" });
    expect(alert.sentence).toMatch(/^alice@example.com reset the password of harry@example.com \(approver\)/);
  });

  it("reset by an admin make another admin no second admin for that admin's grants either", async () => {
    const ken = await createTestUser("ken@example.com", ["admin"], PASSWORD);
    await call(resetPasswordRoute, { method: "POST", token: token.alice, params: { id: ken.id }, body: { newPassword: "alice-knows-this-2" } });
    const lena = await createPerson("lena@example.com", ["admin"]);
    const refused = await approveGrant(lena.pendingGrants[0].id, await tokenFor(ken.id));
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^Refused: ken@example.com still signs in with the password alice@example.com chose when they reset it at .+; and cool-off: ken@example.com was given a new password by alice@example.com at .+ \(An admin who signs in with a password the requester chose/);
    expect((await approveGrant(lena.pendingGrants[0].id, token.erin)).status).toBe(200);
  });
});

describe("browser sessions", () => {
  it("end on sign-out: a copy of the cookie is refused, and next-auth no longer renews it", async () => {
    await createTestUser("ivan@example.com", ["viewer"], PASSWORD);
    const cookie = await signInCookie("ivan@example.com", PASSWORD);
    const copy = cookie;
    expect((await api({ cookie })).status).toBe(200);
    await signOutCookie(cookie);
    expect((await api({ cookie: copy })).status).toBe(401);
    const renewed = await refreshSession(copy);
    expect(renewed.session).toEqual({});
    expect(renewed.cleared).toBe(true);
    expect(await db().auditEvent.count({ where: { action: "auth.sign_out", actorLabel: "ivan@example.com" } })).toBe(1);
  });

  it("end on a change of roles and on disabling, not on a change of name", async () => {
    const judy = await createTestUser("judy@example.com", ["viewer", "operator"], PASSWORD);
    const patch = (body: object) => call(updateUserRoute, { method: "PATCH", token: token.bob, params: { id: judy.id }, body });
    let cookie = await signInCookie("judy@example.com", PASSWORD);
    await patch({ name: "Judy" });
    expect((await api({ cookie })).status).toBe(200);
    await patch({ roles: ["viewer"] });
    expect((await api({ cookie })).status).toBe(401);
    cookie = await signInCookie("judy@example.com", PASSWORD);
    await patch({ disabled: true });
    await patch({ disabled: false });
    expect((await api({ cookie })).status).toBe(401);
  });

  it("keep their sign-in time when renewed, and are refused past their absolute lifetime however recently renewed", async () => {
    await createTestUser("kim@example.com", ["viewer"], PASSWORD);
    const cookie = await signInCookie("kim@example.com", PASSWORD);
    const secret = process.env.NEXTAUTH_SECRET!;
    const claims = await decode({ token: cookie.slice(SESSION_COOKIE.length + 1), secret });
    const renewed = await refreshSession(cookie);
    expect(renewed.cookie).not.toBeNull();
    const renewedClaims = await decode({ token: renewed.cookie!.slice(SESSION_COOKIE.length + 1), secret });
    expect(renewedClaims?.signedInAt).toBe(claims?.signedInAt);
    expect(Number(renewedClaims?.exp)).toBeGreaterThanOrEqual(Number(claims?.exp));

    // The same session, signed in 12 hours ago and renewed a moment ago: its cookie is fresh, its session is not.
    const { encode } = await import("next-auth/jwt");
    const aged = `${SESSION_COOKIE}=${await encode({ token: { ...claims, signedInAt: Date.now() - 12 * 3_600_000 - 1_000 }, secret })}`;
    expect((await api({ cookie: aged })).status).toBe(401);
    expect((await refreshSession(aged)).cleared).toBe(true);
    const young = `${SESSION_COOKIE}=${await encode({ token: { ...claims, signedInAt: Date.now() - 11 * 3_600_000 }, secret })}`;
    expect((await api({ cookie: young })).status).toBe(200);
  });
});
