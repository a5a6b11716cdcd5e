import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/auth/tokens/[id]/route";
import { GET as listTokensRoute, POST as issueTokenRoute } from "@/app/api/v1/auth/tokens/route";
import { GET as listServicesRoute } from "@/app/api/v1/services/route";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { db } from "@/server/db/client";
import { call, consoleSession, createTestUser, tokenFor } from "../support/api";

const PASSWORD = "ops-password-1234";
let operatorId: string;

beforeAll(async () => {
  operatorId = (await createTestUser("operator@example.com", ["operator"], PASSWORD)).id;
});

async function issue(email: string, password: string, headers: Record<string, string> = {}) {
  return call(issueTokenRoute, { method: "POST", path: "/api/v1/auth/tokens", body: { email, password, name: "ci", scopes: ["read"] }, headers });
}

describe("API tokens", () => {
  it("are issued for email + password, shown once, stored only as a hash, and work as bearer tokens", async () => {
    const { status, json } = await issue("operator@example.com", PASSWORD);
    expect(status).toBe(201);
    expect(json.token).toMatch(/^sy_[\w-]{40,}$/);
    const stored = await db().apiToken.findUniqueOrThrow({ where: { id: json.id } });
    expect(stored.tokenHash).not.toContain(json.token);
    expect(JSON.stringify(stored)).not.toContain(json.token);
    const services = await call(listServicesRoute, { token: json.token });
    expect(services.status).toBe(200);
    const listed = await call(listTokensRoute, { token: json.token });
    expect(listed.json.tokens.some((token: { id: string; token?: string }) => token.id === json.id && token.token === undefined)).toBe(true);
    expect(await db().auditEvent.count({ where: { action: "token.issue", targetId: json.id, outcome: "success" } })).toBe(1);
  });

  it("are refused for a wrong password with 401, and the failure is audited", async () => {
    const { status, json } = await issue("operator@example.com", "wrong-password-123");
    expect(status).toBe(401);
    expect(json.error.message).toBe("Wrong email or password.");
    const failure = await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", outcome: "failure" }, orderBy: { seq: "desc" } });
    expect(failure).toMatchObject({ reason: "wrong_password", targetId: operatorId });
  });

  it("give an unknown email the same answer as a wrong password", async () => {
    const { status, json } = await issue("nobody@example.com", PASSWORD);
    expect(status).toBe(401);
    expect(json.error.message).toBe("Wrong email or password.");
  });

  it("stop working once revoked, and a second revocation is a conflict", async () => {
    const token = await tokenFor(operatorId);
    const { id } = (await call(listTokensRoute, { token })).json.tokens[0];
    const revoked = await call(revokeTokenRoute, { method: "DELETE", token, params: { id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).not.toBeNull();
    expect((await call(listServicesRoute, { token })).status).toBe(401);
    expect((await call(revokeTokenRoute, { method: "DELETE", ...(await consoleSession(operatorId)), params: { id } })).status).toBe(409);
  });

  it("cannot revoke someone else's token (it is reported missing)", async () => {
    const stranger = await createTestUser("stranger@example.com", ["viewer"]);
    const theirs = await tokenFor(stranger.id);
    const theirId = (await call(listTokensRoute, { token: theirs })).json.tokens[0].id;
    const mine = await tokenFor(operatorId);
    expect((await call(revokeTokenRoute, { method: "DELETE", token: mine, params: { id: theirId } })).status).toBe(404);
    expect((await call(listServicesRoute, { token: theirs })).status).toBe(200);
  });

  it("stop working when expired", async () => {
    const token = await tokenFor(operatorId, { expiresInDays: 1 });
    expect((await call(listServicesRoute, { token })).status).toBe(200);
    await db().apiToken.updateMany({ where: { userId: operatorId, name: "test", revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call(listServicesRoute, { token })).status).toBe(401);
  });

  it("stop working when their user is disabled, and work again when re-enabled", async () => {
    const admin = await createTestUser("admin@example.com", ["admin"]);
    const adminToken = await tokenFor(admin.id);
    const user = await createTestUser("leaver@example.com", ["viewer"]);
    const token = await tokenFor(user.id);
    await call(updateUserRoute, { method: "PATCH", token: adminToken, params: { id: user.id }, body: { disabled: true } });
    expect((await call(listServicesRoute, { token })).status).toBe(401);
    await call(updateUserRoute, { method: "PATCH", token: adminToken, params: { id: user.id }, body: { disabled: false } });
    expect((await call(listServicesRoute, { token })).status).toBe(200);
  });

  it("are checked exactly: a garbled, unknown or non-bearer credential is 401", async () => {
    for (const authorization of ["Bearer sy_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "sy_abc"]) {
      const { status, json } = await call(listServicesRoute, { headers: { authorization } });
      expect(status, authorization).toBe(401);
      expect(json.error.code).toBe("unauthenticated");
    }
  });
});

describe("browser sessions", () => {
  const cookieFor = async (sub: string, secret = process.env.NEXTAUTH_SECRET!, claims: object = { sv: 0, signedInAt: Date.now() }) =>
    `next-auth.session-token=${await encode({ token: { sub, ...claims }, secret })}`;

  it("authenticate API calls through the session cookie", async () => {
    expect((await call(listServicesRoute, { cookie: await cookieFor(operatorId) })).status).toBe(200);
  });

  it("without the session version and sign-in time every session now carries (older, or forged) are refused", async () => {
    expect((await call(listServicesRoute, { cookie: await cookieFor(operatorId, undefined, {}) })).status).toBe(401);
  });

  it("signed with another secret, or for an unknown user, are refused", async () => {
    expect((await call(listServicesRoute, { cookie: await cookieFor(operatorId, "some-other-secret-some-other-secret") })).status).toBe(401);
    expect((await call(listServicesRoute, { cookie: await cookieFor("no-such-user") })).status).toBe(401);
  });

  it("never rescue a bad bearer token", async () => {
    const { status } = await call(listServicesRoute, { cookie: await cookieFor(operatorId), token: "sy_wrong" });
    expect(status).toBe(401);
  });
});
