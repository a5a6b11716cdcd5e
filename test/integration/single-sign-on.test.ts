import type { AuthOptions } from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTING_LEASE } from "@/server/alerts/alerting-loop";
import { evaluateAlerts } from "@/server/alerts/evaluate-alerts";
import { checkCredentials } from "@/server/auth/check-credentials";
import { actorFromSessionToken } from "@/server/auth/resolve-actor";
import { db } from "@/server/db/client";
import { acquireLease } from "@/server/lease/lease";
import { createTestUser } from "../support/api";
import { NextAuthBrowser } from "../support/next-auth-browser";
import { TestOidcIssuer, type IdpUser } from "../support/oidc-issuer";

const CONTROL_PLANE = "http://switchyard.test";
const CLIENT = { clientId: "switchyard-it", clientSecret: "integration-client-secret" };
const issuer = new TestOidcIssuer({ ...CLIENT, redirectUri: `${CONTROL_PLANE}/api/auth/callback/oidc` });
let authOptions: AuthOptions;

function idpUser(username: string, user: Partial<IdpUser> = {}): IdpUser {
  const created = { password: `${username}-idp-password`, email: `${username}@example.com`, emailVerified: true, name: username, groups: [], ...user };
  issuer.users.set(username, created);
  return created;
}

beforeAll(async () => {
  const url = await issuer.start();
  process.env.NEXTAUTH_URL = CONTROL_PLANE;
  process.env.SWITCHYARD_OIDC_ISSUER = url;
  process.env.SWITCHYARD_OIDC_CLIENT_ID = CLIENT.clientId;
  process.env.SWITCHYARD_OIDC_CLIENT_SECRET = CLIENT.clientSecret;
  process.env.SWITCHYARD_OIDC_SCOPES = "openid email profile groups";
  process.env.SWITCHYARD_OIDC_ROLE_CLAIM = "groups";
  process.env.SWITCHYARD_OIDC_ROLE_MAP = "sre=operator, sre-leads=approver+operator, switchyard-admins=admin, auditors=auditor";
  // Read once at import, as in the control plane, so only after the environment is set.
  ({ authOptions } = await import("@/server/auth/auth-options"));
});

afterAll(async () => {
  await issuer.stop();
});

/** A whole round trip in a new browser: sign-in page → provider's login and consent → callback. */
async function signInThroughProvider(username: string) {
  const browser = new NextAuthBrowser(authOptions);
  const user = issuer.users.get(username)!;
  const back = await browser.atProvider(await browser.startSignIn("oidc"), { username, password: user.password });
  const landed = await browser.callback(back);
  return { browser, landed, token: browser.sessionToken() };
}

async function evaluateAlertsNow() {
  const lease = { name: ALERTING_LEASE, holder: "sso-test", token: (await acquireLease(ALERTING_LEASE, "sso-test", 600_000)).token };
  await evaluateAlerts(lease);
}

const latestSignIn = () => db().auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in" }, orderBy: { seq: "desc" } });

describe("single sign-on through an OpenID Connect provider", () => {
  it("signs a person in a mapped group in with the mapped roles, as an account without a password, audited with method oidc", async () => {
    idpUser("ana", { groups: ["sre", "sre-leads", "marketing"], name: "Ana Ops" });
    const { landed, token } = await signInThroughProvider("ana");
    expect(landed.location).toBe(`${CONTROL_PLANE}/fleet`);
    const actor = await actorFromSessionToken(token, null);
    expect(actor).toMatchObject({ email: "ana@example.com", name: "Ana Ops", roles: ["operator", "approver"] });
    const stored = await db().user.findUniqueOrThrow({ where: { email: "ana@example.com" } });
    expect(stored).toMatchObject({ passwordHash: null, oidcIssuer: issuer.url, oidcSubject: "ana" });
    expect(stored.lastSignInAt).not.toBeNull();
    expect(await latestSignIn()).toMatchObject({ actorId: stored.id, outcome: "success", details: { method: "oidc", subject: "ana", rule: "create-account" } });
    expect(await db().auditEvent.count({ where: { action: "user.create", targetId: stored.id } })).toBe(1);
  });

  it("takes a role away at the next sign-in once the provider no longer grants it, and ends the sessions already open", async () => {
    idpUser("ben", { groups: ["sre-leads"] });
    const first = await signInThroughProvider("ben");
    expect((await actorFromSessionToken(first.token, null))?.roles).toEqual(["operator", "approver"]);

    issuer.users.get("ben")!.groups = ["sre"];
    const second = await signInThroughProvider("ben");
    expect((await actorFromSessionToken(second.token, null))?.roles).toEqual(["operator"]);
    // A change of roles ends the account's other sessions (server/auth/session-claims.ts).
    expect(await actorFromSessionToken(first.token, null)).toBeNull();
    const ben = await db().user.findUniqueOrThrow({ where: { email: "ben@example.com" } });
    const change = await db().auditEvent.findFirstOrThrow({ where: { action: "user.update", targetId: ben.id }, orderBy: { seq: "desc" } });
    expect(change).toMatchObject({ before: { roles: ["operator", "approver"] }, after: { roles: ["operator"] } });
  });

  it("refuses a person in no mapped group with a message saying so, and creates no account", async () => {
    idpUser("carl", { groups: ["marketing"] });
    const { landed, token } = await signInThroughProvider("carl");
    expect(landed.location).toBe("/signin?error=OidcRefused&rule=no-mapped-role");
    expect(token).toBeUndefined();
    expect(await db().user.findUnique({ where: { email: "carl@example.com" } })).toBeNull();
    expect(await latestSignIn()).toMatchObject({ outcome: "failure", reason: "no-mapped-role", details: { method: "oidc", subject: "carl" } });
  });

  it("refuses someone removed from every mapped group and takes all their roles, so their open session can do nothing", async () => {
    idpUser("dora", { groups: ["switchyard-admins"] });
    const before = await signInThroughProvider("dora");
    expect((await actorFromSessionToken(before.token, null))?.roles).toEqual(["admin"]);

    issuer.users.get("dora")!.groups = [];
    const after = await signInThroughProvider("dora");
    expect(after.landed.location).toBe("/signin?error=OidcRefused&rule=no-mapped-role");
    expect(after.token).toBeUndefined();
    expect((await db().user.findUniqueOrThrow({ where: { email: "dora@example.com" } })).roles).toEqual([]);
    expect(await actorFromSessionToken(before.token, null)).toBeNull();
  });

  it("turns the local account of a verified email into a single sign-on account: same account, password gone", async () => {
    const local = await createTestUser("erin@example.com", ["viewer"], "erin-local-password");
    idpUser("erin", { groups: ["auditors"] });
    const { token } = await signInThroughProvider("erin");
    expect(await actorFromSessionToken(token, null)).toMatchObject({ userId: local.id, roles: ["auditor"] });
    expect(await db().user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({ passwordHash: null, oidcSubject: "erin" });
    await expect(checkCredentials({ email: "erin@example.com", password: "erin-local-password", ip: null, action: "auth.sign_in" })).rejects.toThrow("Wrong email or password.");
    // Without a hash, the comparison runs against the decoy, whose own password must not open the account either.
    await expect(checkCredentials({ email: "erin@example.com", password: "switchyard-decoy-password", ip: null, action: "auth.sign_in" })).rejects.toThrow("Wrong email or password.");
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in", outcome: "failure" }, orderBy: { seq: "desc" } })).toMatchObject({
      reason: "single_sign_on_account",
    });
  });

  it("neither links nor creates an account for an email the provider has not verified", async () => {
    const local = await createTestUser("fay@example.com", ["admin"], "fay-local-password");
    idpUser("fay", { groups: ["sre"], emailVerified: false });
    const { landed, token } = await signInThroughProvider("fay");
    expect(landed.location).toBe("/signin?error=OidcRefused&rule=unverified-email");
    expect(token).toBeUndefined();
    expect(await db().user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({ oidcSubject: null, roles: ["admin"] });
    await expect(checkCredentials({ email: "fay@example.com", password: "fay-local-password", ip: null, action: "auth.sign_in" })).resolves.toMatchObject({ id: local.id });
  });

  it("verifies the ID token's signature: a token the provider's published keys do not verify signs nobody in", async () => {
    idpUser("gus", { groups: ["sre"] });
    issuer.publishForeignKeys = true;
    try {
      const { landed, token } = await signInThroughProvider("gus");
      expect(landed.location).toBe(`${CONTROL_PLANE}/api/auth/error?error=OAuthCallback`);
      expect(token).toBeUndefined();
      expect(await db().user.findUnique({ where: { email: "gus@example.com" } })).toBeNull();
    } finally {
      issuer.publishForeignKeys = false;
    }
    expect((await signInThroughProvider("gus")).token).toBeDefined();
  });

  it.each(["next-auth.state", "next-auth.pkce.code_verifier", "next-auth.nonce"])(
    "binds the provider's answer to the browser that asked for it: a callback with another sign-in's %s cookie is refused",
    async (cookie) => {
      idpUser("hal", { groups: ["sre"] });
      const victim = new NextAuthBrowser(authOptions);
      const attacker = new NextAuthBrowser(authOptions);
      const back = await victim.atProvider(await victim.startSignIn("oidc"), { username: "hal", password: issuer.users.get("hal")!.password });
      await attacker.startSignIn("oidc");
      // With that check off, next-auth sets no such cookie: the victim's is then simply gone.
      const swapped = attacker.cookies.get(cookie);
      if (swapped) victim.cookies.set(cookie, swapped);
      else victim.cookies.delete(cookie);
      const landed = await victim.callback(back);
      expect(landed.location).toBe(`${CONTROL_PLANE}/api/auth/error?error=OAuthCallback`);
      expect(victim.sessionToken()).toBeUndefined();
    },
  );

  it("records approver or admin given by the provider's claims as a grant, raising the grant alert that names the provider", async () => {
    idpUser("cleo", { groups: ["sre"] });
    await signInThroughProvider("cleo");
    const cleo = await db().user.findUniqueOrThrow({ where: { email: "cleo@example.com" } });
    expect(await db().roleGrant.count({ where: { userId: cleo.id } })).toBe(0);

    issuer.users.get("cleo")!.groups = ["sre", "sre-leads", "switchyard-admins"];
    await signInThroughProvider("cleo");
    const grants = await db().roleGrant.findMany({ where: { userId: cleo.id } });
    expect(grants).toEqual([expect.objectContaining({ roles: ["approver", "admin"], status: "applied", issuer: issuer.url, requesterId: null, deciderId: null })]);

    // Signing in again with the same claims grants nothing new.
    await signInThroughProvider("cleo");
    expect(await db().roleGrant.count({ where: { userId: cleo.id } })).toBe(1);

    await evaluateAlertsNow();
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "privileged-grant", subjectKey: `grant:${grants[0]!.id}` } });
    expect(alert).toMatchObject({ serviceId: null, state: "firing", subjectLabel: "cleo@example.com" });
    expect(alert.sentence).toContain(`by the identity provider ${issuer.url} (single sign-on claims, no second admin here)`);
  });

  it("audits a password sign-in as break-glass while single sign-on is configured, and raises the break-glass alert", async () => {
    const breakGlass = await createTestUser("break-glass@switchyard.local", ["admin"], "break-glass-password-1");
    const browser = new NextAuthBrowser(authOptions);
    const { csrfToken } = (await browser.nextAuth("GET", "csrf")).body as { csrfToken: string };
    const signedIn = await browser.nextAuth("POST", "callback", "credentials", {
      body: { csrfToken, email: breakGlass.email, password: "break-glass-password-1", json: "true" },
    });
    expect(signedIn.status).toBe(200);
    expect((await actorFromSessionToken(browser.sessionToken(), null))?.userId).toBe(breakGlass.id);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "auth.break_glass" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ actorId: breakGlass.id, targetId: breakGlass.id });

    await evaluateAlertsNow();
    const alert = await db().alert.findFirstOrThrow({ where: { ruleId: "break-glass-sign-in", subjectKey: `break-glass:${event.seq}` } });
    expect(alert).toMatchObject({ serviceId: null, state: "firing", subjectLabel: "break-glass@switchyard.local" });
    expect(alert.sentence).toMatch(/^break-glass@switchyard.local signed in with a local password at \S+ .*while single sign-on is configured \(audit event #\d+\); firing until /);

    // A password traded for an API token is break-glass too, in the token's own transaction.
    const { issueTokenWithPassword } = await import("@/server/tokens/issue-token");
    const issued = await issueTokenWithPassword({ email: breakGlass.email, password: "break-glass-password-1", name: "script", scopes: ["read"], expiresInDays: 1 }, "10.0.0.9");
    const viaToken = await db().auditEvent.findFirstOrThrow({ where: { action: "auth.break_glass" }, orderBy: { seq: "desc" } });
    expect(viaToken).toMatchObject({ actorId: breakGlass.id, sourceIp: "10.0.0.9", details: { via: "api-token" } });
    expect(await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", targetId: issued.id } })).toMatchObject({ seq: viaToken.seq - 1n });
  });
});
