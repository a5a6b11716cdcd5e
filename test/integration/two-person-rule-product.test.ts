import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, BENCH_ADMIN, startControlPlane, type RunningControlPlane } from "@/bench/support/control-plane";

/**
 * The bypass, tried against the product as `npm start` runs it,
 * over HTTP: one admin makes an approver and approves their own change
 * request (a failover lag limit from 1 MiB to 1 GiB) through it. And a
 * browser session copied before sign-out, replayed after it.
 */
const run = promisify(execFile);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let product: RunningControlPlane;
let admin: string;

beforeAll(async () => {
  product = await startControlPlane({ lab: false });
  admin = await adminToken(product.url);
}, 600_000);

afterAll(async () => {
  await product?.stop();
}, 120_000);

async function api(method: string, route: string, auth: { token?: string; cookie?: string }, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  // A browser sends its page's origin with every cookie-authenticated mutation.
  if (auth.cookie) Object.assign(headers, { cookie: auth.cookie, origin: product.url });
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${product.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json().catch(() => null)) as any };
}

async function tokenOf(email: string, password: string, scopes: string[]): Promise<string> {
  const issued = await api("POST", "/api/v1/auth/tokens", {}, { email, password, name: "two-person test", scopes });
  expect(issued.status, JSON.stringify(issued.json)).toBe(201);
  return issued.json.token;
}

/** The cookies a response sets, as `name=value` pairs. */
function setCookies(response: Response): Map<string, string> {
  return new Map(response.headers.getSetCookie().map((line) => line.split(";")[0]!).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

/** Signs in through next-auth's credentials callback as the sign-in form does; answers the session cookie. */
async function signIn(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${product.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = [...setCookies(csrf)].map(([name, value]) => `${name}=${value}`).join("; ");
  const signedIn = await fetch(`${product.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = [...setCookies(signedIn)].find(([name]) => name.endsWith("next-auth.session-token"));
  expect(session, `sign-in of ${email} answered ${signedIn.status}`).toBeDefined();
  return `${session![0]}=${session![1]}; ${csrfCookie}`;
}

describe("the two-person rule, through the running product's API", () => {
  it("refuses one admin approving their own 1 MiB → 1 GiB lag limit through an approver they create", async () => {
    const current = await api("GET", "/api/v1/policies/global/versions", { token: admin });
    const document = structuredClone(current.json.versions[0].document);
    expect(document.failover.maxLagBytes).toBe(MiB);
    document.failover.maxLagBytes = GiB;
    const proposed = await api("POST", "/api/v1/change-requests", { token: admin }, { serviceId: null, document, reason: "let lagging standbys be promoted" });
    expect(proposed.status, JSON.stringify(proposed.json)).toBe(201);
    const changeRequest = proposed.json.id as string;

    // The admin makes an approver: the account exists, the role waits for a second admin.
    const created = await api("POST", "/api/v1/users", { token: admin }, { email: "accomplice@example.com", password: "accomplice-password-1", roles: ["approver"] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ roles: [], pendingGrants: [{ roles: ["approver"], status: "pending", requester: BENCH_ADMIN.email }] });
    // Without a role it may only read.
    const accomplice = await tokenOf("accomplice@example.com", "accomplice-password-1", ["read"]);
    expect((await api("POST", `/api/v1/change-requests/${changeRequest}/approve`, { token: accomplice }, {})).status).toBe(403);
    const selfApproved = await api("POST", `/api/v1/role-grants/${created.json.pendingGrants[0].id}/approve`, { token: admin }, {});
    expect(selfApproved.status).toBe(403);
    expect(selfApproved.json.error.message).toMatch(/Two-person rule/);

    // Nor can the admin make themselves an approver alone.
    const me = (await api("GET", "/api/v1/users", { token: admin })).json.users.find((user: { email: string }) => user.email === BENCH_ADMIN.email);
    const promoted = await api("PATCH", `/api/v1/users/${me.id}`, { token: admin }, { roles: ["admin", "approver"] });
    expect(promoted.json).toMatchObject({ roles: ["admin"], pendingGrants: [{ roles: ["approver"] }] });
    expect((await api("POST", `/api/v1/role-grants/${promoted.json.pendingGrants[0].id}/approve`, { token: admin }, {})).status).toBe(403);

    // Even granted approver from the host, an account the requester created (and chose the password of) is no second person for them.
    const granted = await run("npm", ["run", "--silent", "accounts", "--", "grant", "accomplice@example.com", "approver", "--reason", "the only other person on call"], {
      // Where npm start runs: the same store, data folder and keys (the audit chain's key among them).
      env: { ...process.env, DATABASE_URL: product.databaseUrl, SWITCHYARD_DATA_DIR: product.dataDir },
    });
    expect(granted.stdout).toMatch(/accomplice@example.com now holds approver/);
    // The host's grant is in the same keyed audit chain as everything the product wrote.
    expect((await api("GET", "/api/v1/audit/verify", { token: admin })).json).toMatchObject({ intact: true });
    const hostEvents = await api("GET", "/api/v1/audit?action=user.grant_host", { token: admin });
    expect(hostEvents.json.events).toEqual([expect.objectContaining({ actorType: "system", actorLabel: "host", reason: "the only other person on call" })]);
    const again = await tokenOf("accomplice@example.com", "accomplice-password-1", ["approve"]);
    const refused = await api("POST", `/api/v1/change-requests/${changeRequest}/approve`, { token: again }, { comment: "lgtm" });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(
      /^Refused: accomplice@example.com still signs in with the password bench@switchyard.local chose when they created the account at .+; and cool-off: accomplice@example.com was granted approver at the request of bench@switchyard.local at .+; another approver must\.$/,
    );

    const after = await api("GET", `/api/v1/change-requests/${changeRequest}`, { token: admin });
    expect(after.json).toMatchObject({ status: "open", approvalsSoFar: 0 });
    expect((await api("GET", "/api/v1/policies/global/versions", { token: admin })).json.versions[0].document.failover.maxLagBytes).toBe(MiB);

    // The grant raised an alert, about no service.
    await expect
      .poll(async () => (await api("GET", "/api/v1/alerts?state=firing&ruleId=privileged-grant", { token: admin })).json.alerts, { timeout: 20_000 })
      .toEqual([
        expect.objectContaining({
          serviceId: null,
          subject: "accomplice@example.com",
          sentence: expect.stringMatching(/at the request of bench@switchyard.local, approved from the host \(break-glass\)/),
        }),
      ]);
  });

  it("answers 401 to a copy of a session cookie once its owner signed out, and does not renew it", async () => {
    await api("POST", "/api/v1/users", { token: admin }, { email: "viewer@example.com", password: "viewer-password-12", roles: ["viewer"] });
    const cookie = await signIn("viewer@example.com", "viewer-password-12");
    const copy = cookie;
    expect((await api("GET", "/api/v1/services", { cookie })).status).toBe(200);

    const csrf = await fetch(`${product.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signedOut = await fetch(`${product.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(signedOut.status).toBe(200);

    expect((await api("GET", "/api/v1/services", { cookie: copy })).status).toBe(401);
    const session = await fetch(`${product.url}/api/auth/session`, { headers: { cookie: copy } });
    expect(await session.json()).toEqual({});
  });

  it("answers 401 to a session cookie once its owner changed their password", async () => {
    await api("POST", "/api/v1/users", { token: admin }, { email: "mover@example.com", password: "mover-password-123", roles: ["operator"] });
    const cookie = await signIn("mover@example.com", "mover-password-123");
    const changed = await api("POST", "/api/v1/account/password", { cookie }, { currentPassword: "mover-password-123", newPassword: "mover-password-456" });
    expect(changed).toMatchObject({ status: 200, json: { sessionsEnded: true } });
    expect((await api("GET", "/api/v1/services", { cookie })).status).toBe(401);
  });
});
