import { beforeAll, describe, expect, it } from "vitest";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/auth/tokens/[id]/route";
import { POST as createOwnTokenRoute } from "@/app/api/v1/auth/tokens/own/route";
import { GET as listTokensRoute, POST as issueTokenRoute } from "@/app/api/v1/auth/tokens/route";
import { POST as createPauseRoute } from "@/app/api/v1/automation/pauses/route";
import { GET as listServicesRoute } from "@/app/api/v1/services/route";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { TOKEN_MAX_DAYS } from "@/contracts/tokens";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, consoleSession, createTestUser, tableCounts, tokenFor } from "../support/api";

const PASSWORD = "scoped-password-1234";
const DAY_MS = 86_400_000;
/** Written out rather than imported, as the README promises them. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 90;
let operatorId: string;
let adminToken: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  operatorId = (await createTestUser("operator@example.com", ["operator"], PASSWORD)).id;
  await createTestUser("viewer@example.com", ["viewer"], PASSWORD);
  adminToken = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
});

/** A pause of orders-db, a mutation operators make; any earlier one is ended first so a new one may be created. */
async function pauseOrdersDb(credentials: { token?: string; cookie?: string }) {
  await db().automationPause.updateMany({ where: { activeScope: "service:orders-db" }, data: { activeScope: null, endedAt: new Date(), endedBy: "test" } });
  const body = { scope: "orders-db", reason: "scoped token test", expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  return call(createPauseRoute, { method: "POST", body, ...credentials });
}

function issue(body: Record<string, unknown>) {
  return call(issueTokenRoute, { method: "POST", path: "/api/v1/auth/tokens", body: { email: "operator@example.com", password: PASSWORD, name: "ci", ...body } });
}

describe("token scopes", () => {
  it("a read-only token is refused a mutation its owner's roles allow (403, nothing written); an operate token is allowed", async () => {
    const readOnly = await tokenFor(operatorId, { scopes: ["read"] });
    const before = await tableCounts();
    const pausesBefore = await db().automationPause.count();
    const refused = await pauseOrdersDb({ token: readOnly });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe(
      "This token's scopes (read) do not admit the permission automation:control; it needs a token with the scope operate.",
    );
    expect(await tableCounts()).toEqual(before);
    expect(await db().automationPause.count()).toBe(pausesBefore);
    expect((await call(listServicesRoute, { token: readOnly })).status).toBe(200);

    expect((await pauseOrdersDb({ token: await tokenFor(operatorId, { scopes: ["operate"] }) })).status).toBe(201);
  });

  it("follow the owner's roles of the moment: taking the role away narrows the token on its next request", async () => {
    const user = await createTestUser("demoted@example.com", ["operator"]);
    const token = await tokenFor(user.id, { scopes: ["operate"] });
    expect((await pauseOrdersDb({ token })).status).toBe(201);
    expect((await call(updateUserRoute, { method: "PATCH", token: adminToken, params: { id: user.id }, body: { roles: ["viewer"] } })).status).toBe(200);
    const refused = await pauseOrdersDb({ token });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^Your roles \(viewer\) do not include the permission automation:control/);
    expect((await call(listServicesRoute, { token })).status).toBe(200);
  });

  it("must be chosen, and only among those the owner's roles grant something in (400, nothing written)", async () => {
    const before = await tableCounts();
    const missing = await issue({});
    expect(missing.status).toBe(400);
    expect(missing.json.error.field).toBe("scopes");
    const empty = await issue({ scopes: [] });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toBe("scopes: choose at least one of read, operate, approve, audit, admin, metrics");
    const beyond = await issue({ scopes: ["operate", "admin"] });
    expect(beyond.status).toBe(400);
    expect(beyond.json.error).toMatchObject({ field: "scopes", message: expect.stringMatching(/^scopes: admin would allow nothing with the roles operator/) });
    expect(await tableCounts()).toEqual(before);
  });

  it("are listed with each token (API), and recorded in the audit trail", async () => {
    const { json: issued } = await issue({ scopes: ["read", "operate"] });
    expect(issued.scopes).toEqual(["read", "operate"]);
    const listed = await call(listTokensRoute, { token: issued.token });
    expect(listed.json.tokens.find((token: { id: string }) => token.id === issued.id)).toMatchObject({ scopes: ["read", "operate"], expiresAt: issued.expiresAt });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", targetId: issued.id } });
    expect(audit.after).toMatchObject({ scopes: ["read", "operate"], expiresAt: issued.expiresAt });
  });
});

describe("token expiry", () => {
  it(`defaults to ${DEFAULT_DAYS} days`, async () => {
    const started = Date.now();
    const { status, json } = await issue({ scopes: ["read"] });
    expect(status).toBe(201);
    const lifetime = new Date(json.expiresAt).getTime() - started;
    expect(lifetime).toBeGreaterThanOrEqual(DEFAULT_DAYS * DAY_MS - 1000);
    expect(lifetime).toBeLessThanOrEqual(DEFAULT_DAYS * DAY_MS + 60_000);
  });

  it(`is at most ${MAX_DAYS} days, through the API and the session alike`, async () => {
    expect(TOKEN_MAX_DAYS).toBe(MAX_DAYS);
    expect((await issue({ scopes: ["read"], expiresInDays: MAX_DAYS })).status).toBe(201);
    const before = await tableCounts();
    const tooLong = await issue({ scopes: ["read"], expiresInDays: MAX_DAYS + 1 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatchObject({ field: "expiresInDays", message: `expiresInDays: must be at most ${MAX_DAYS} days` });
    const own = await call(createOwnTokenRoute, { method: "POST", ...(await consoleSession(operatorId)), body: { name: "long", scopes: ["read"], expiresInDays: 365 } });
    expect(own.status).toBe(400);
    expect(await tableCounts()).toEqual(before);
  });

  it("a token past its expiry answers 401", async () => {
    const { json } = await issue({ scopes: ["read"] });
    expect((await call(listServicesRoute, { token: json.token })).status).toBe(200);
    await db().apiToken.update({ where: { id: json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { status, json: answer } = await call(listServicesRoute, { token: json.token });
    expect(status).toBe(401);
    expect(answer.error.code).toBe("unauthenticated");
  });
});

describe("tokens cannot mint tokens", () => {
  it("a token, even with every scope, is refused a new token (403, nothing written); the signed-in session is not", async () => {
    const everything = await tokenFor(operatorId);
    const before = await tableCounts();
    const refused = await call(createOwnTokenRoute, { method: "POST", token: everything, body: { name: "child", scopes: ["read"] } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^The permission tokens:issue is never granted to an API token/);
    expect(await tableCounts()).toEqual(before);

    const created = await call(createOwnTokenRoute, { method: "POST", ...(await consoleSession(operatorId)), body: { name: "from the console", scopes: ["operate"] } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ scopes: ["operate"], name: "from the console" });
  });

  it("a token revokes only itself: not its owner's other tokens", async () => {
    const first = await issue({ scopes: ["read"] });
    const second = await issue({ scopes: ["read"] });
    const refused = await call(revokeTokenRoute, { method: "DELETE", token: first.json.token, params: { id: second.json.id } });
    expect(refused.status).toBe(403);
    expect((await call(listServicesRoute, { token: second.json.token })).status).toBe(200);
    expect((await call(revokeTokenRoute, { method: "DELETE", token: first.json.token, params: { id: first.json.id } })).status).toBe(200);
    expect((await call(listServicesRoute, { token: first.json.token })).status).toBe(401);
  });
});
