import { hash as bcryptHash } from "@node-rs/bcrypt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as issueTokenRoute } from "@/app/api/v1/auth/tokens/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { deliverNotifications } from "@/server/alerts/deliver-notifications";
import { sweepSignInLimits } from "@/server/auth/sign-in-upkeep";
import { db } from "@/server/db/client";
import { call, createTestUser, tokenFor } from "../support/api";
import { fromPeer } from "../support/peer";
import { startAlertWebhook, type TestWebhook } from "../support/webhook";

// Counts the passwords actually compared (the real comparison still runs).
vi.mock("@/server/auth/passwords", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/server/auth/passwords")>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});
const { verifyPassword } = await import("@/server/auth/passwords");

const PASSWORD = "ops-password-1234";
const HOME = "198.51.100.7";

let counter = 0;
/** A fresh attacker's address per test, so that no test inherits another's per-address count. */
const attacker = () => `203.0.113.${++counter}`;
/** A fresh account per test, so that tests do not share keys. */
async function account(roles: ("viewer" | "admin")[] = ["viewer"]) {
  const email = `user-${++counter}@example.com`;
  const user = await createTestUser(email, roles, PASSWORD);
  return { email, id: user.id };
}

function issue(email: string, password: string, headers: Record<string, string>) {
  return call(issueTokenRoute, { method: "POST", path: "/api/v1/auth/tokens", body: { email, password, name: "ci", scopes: ["read"] }, headers });
}

const failuresOf = (email: string, reason?: string) =>
  db().auditEvent.count({ where: { action: "token.issue", outcome: "failure", actorLabel: email, ...(reason ? { reason } : {}) } });

/** A refusal asking to wait `seconds` from when the hold began (a little has passed since). */
function expectWait(answer: { status: number; headers: Headers }, seconds: number) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeLessThanOrEqual(seconds);
  expect(retryAfter).toBeGreaterThan(seconds / 2);
}

/** Ends every hold, as if its time had passed. */
const endHolds = () => db().signInThrottle.updateMany({ data: { lockedUntil: new Date(Date.now() - 1000) } });

describe("parallel guesses", () => {
  it("never try more passwords than the limit, and every attempt is counted and audited", async () => {
    const ATTACKER = attacker();
    const { email } = await account();
    vi.mocked(verifyPassword).mockClear();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => issue(email, `guess-${index}-xxxxxxxx`, fromPeer(ATTACKER))));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    expect(verifyPassword).toHaveBeenCalledTimes(5);
    expect(await failuresOf(email, "wrong_password")).toBe(5);
    expect(await db().signInThrottle.findUniqueOrThrow({ where: { key: `account-address:${email}|${ATTACKER}` } })).toMatchObject({ failures: 5, refusals: 15 });
    // The first refusal is audited at once, the other 14 in one summary once the hold is over.
    expect(await failuresOf(email, "throttled")).toBe(1);
    await endHolds();
    await sweepSignInLimits();
    const summary = await db().auditEvent.findFirstOrThrow({ where: { action: "auth.refusals", targetId: `account-address:${email}|${ATTACKER}` } });
    expect(summary.details).toMatchObject({ refused: 15, auditedOnTheirOwn: 1 });
  });
});

describe("per account and address", () => {
  it("a lockout of one address does not lock the account for another", async () => {
    const ATTACKER = attacker();
    const { email } = await account(["admin"]);
    for (let attempt = 0; attempt < 5; attempt++) expect((await issue(email, `guess-${attempt}-xxxxxxxx`, fromPeer(ATTACKER))).status).toBe(401);
    const held = await issue(email, PASSWORD, fromPeer(ATTACKER));
    expect(held.status).toBe(429);
    expect(held.json.error.message).toMatch(/^Too many failed sign-ins from your address\. Try again in (2\d|30) seconds\.$/);
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThan(20);
    expect((await issue(email, PASSWORD, fromPeer(HOME))).status).toBe(201);
  });

  it("backs off exponentially instead of locking: each further failure doubles the wait", async () => {
    const ATTACKER = attacker();
    const { email } = await account();
    for (let attempt = 0; attempt < 5; attempt++) await issue(email, `guess-${attempt}-xxxxxxxx`, fromPeer(ATTACKER));
    await endHolds();
    expect((await issue(email, "guess-5-xxxxxxxx", fromPeer(ATTACKER))).status).toBe(401);
    expectWait(await issue(email, PASSWORD, fromPeer(ATTACKER)), 60);
    await endHolds();
    expect((await issue(email, "guess-6-xxxxxxxx", fromPeer(ATTACKER))).status).toBe(401);
    expectWait(await issue(email, PASSWORD, fromPeer(ATTACKER)), 120);
  });

  it("a success starts the account's count from that address over", async () => {
    const { email } = await account();
    for (let attempt = 0; attempt < 4; attempt++) await issue(email, `guess-${attempt}-xxxxxxxx`, fromPeer(HOME));
    expect((await issue(email, PASSWORD, fromPeer(HOME))).status).toBe(201);
    expect(await db().signInThrottle.findUnique({ where: { key: `account-address:${email}|${HOME}` } })).toBeNull();
    for (let attempt = 0; attempt < 4; attempt++) expect((await issue(email, `again-${attempt}-xxxxxxxx`, fromPeer(HOME))).status).toBe(401);
  });

  it("an address is locked for 15 minutes after 20 failures across accounts", async () => {
    const spray = "192.0.2.44";
    for (let attempt = 0; attempt < 20; attempt++) await issue(`spray-${attempt}@example.com`, "whatever-password", fromPeer(spray));
    const { email } = await account();
    const locked = await issue(email, PASSWORD, fromPeer(spray));
    expect(locked.status).toBe(429);
    expect(locked.json.error.message).toBe("Too many failed sign-ins from your address. Try again in 15 minutes.");
    expect((await issue(email, PASSWORD, fromPeer(HOME))).status).toBe(201);
  });
});

describe("forwarding headers", () => {
  afterEach(() => {
    delete process.env.SWITCHYARD_TRUSTED_PROXIES;
  });

  it("X-Forwarded-For from a peer that is not a trusted proxy is ignored in limits and in the audit trail", async () => {
    const ATTACKER = attacker();
    const { email } = await account();
    for (let attempt = 0; attempt < 5; attempt++) {
      const forged = { "x-forwarded-for": `10.9.8.${attempt}`, "x-real-ip": `10.9.7.${attempt}` };
      expect((await issue(email, `guess-${attempt}-xxxxxxxx`, fromPeer(ATTACKER, forged))).status).toBe(401);
    }
    expect((await issue(email, PASSWORD, fromPeer(ATTACKER, { "x-forwarded-for": "10.9.8.99" }))).status).toBe(429);
    const sources = await db().auditEvent.findMany({ where: { actorLabel: email }, select: { sourceIp: true } });
    expect(new Set(sources.map((event) => event.sourceIp))).toEqual(new Set([ATTACKER]));
  });

  it("X-Forwarded-For from a trusted proxy names the client", async () => {
    process.env.SWITCHYARD_TRUSTED_PROXIES = "10.0.0.0/8";
    const { email } = await account();
    expect((await issue(email, PASSWORD, fromPeer("10.0.0.2", { "x-forwarded-for": `1.1.1.1, ${HOME}` }))).status).toBe(201);
    const success = await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", outcome: "success", actorLabel: email } });
    expect(success.sourceIp).toBe(HOME);
  });

  it("without a peer address (no layer in this process) nothing is believed", async () => {
    const { email } = await account();
    const answer = await issue(email, "a-wrong-password-1", { "x-forwarded-for": "10.9.8.1" });
    expect(answer.status).toBe(401);
    const failure = await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", actorLabel: email } });
    expect(failure.sourceIp).toBeNull();
    expect(await db().signInThrottle.findUnique({ where: { key: `account-address:${email}|unknown` } })).toMatchObject({ failures: 1 });
  });
});

describe("lockout alerts", () => {
  let webhook: TestWebhook;
  beforeEach(async () => {
    webhook = await startAlertWebhook();
  });
  afterEach(async () => {
    await webhook.close();
  });

  it("are audited with the failure that causes them and sent to the alert webhooks, once per window", async () => {
    const ATTACKER = attacker();
    const { email } = await account(["admin"]);
    for (let attempt = 0; attempt < 5; attempt++) await issue(email, `guess-${attempt}-xxxxxxxx`, fromPeer(ATTACKER));
    const lockout = await db().auditEvent.findFirstOrThrow({ where: { action: "auth.lockout", targetId: `account-address:${email}|${ATTACKER}` } });
    expect(lockout.reason).toBe("account-address-backoff");
    const fifth = await db().auditEvent.findFirstOrThrow({ where: { action: "token.issue", actorLabel: email, reason: "wrong_password" }, orderBy: { seq: "desc" } });
    expect(lockout.at).toEqual(fifth.at); // one transaction: appended together
    await endHolds();
    await issue(email, "guess-6-xxxxxxxx", fromPeer(ATTACKER));
    expect(await db().auditEvent.count({ where: { action: "auth.lockout", targetId: `account-address:${email}|${ATTACKER}` } })).toBe(1);

    await deliverNotifications(new Date(Date.now() + 1000));
    const sent = webhook.received.filter((payload) => payload.text.includes(email));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ status: "firing", alert: { rule: "account-address-backoff" } });
    expect(sent[0]!.text).toMatch(/^\[SECURITY\] Sign-in lockout — 5 failed sign-ins to user-\d+@example\.com from 203\.0\.113\.\d+; that address waits/);
  });
});

describe("upkeep", () => {
  it("deletes rows whose window is over and that hold nothing back", async () => {
    const { email } = await account();
    await issue(email, "a-wrong-password-1", fromPeer("192.0.2.99"));
    const keys = { key: { in: [`account-address:${email}|192.0.2.99`, `address:192.0.2.99`, `account:${email}`] } };
    expect(await db().signInThrottle.count({ where: keys })).toBe(3);
    await sweepSignInLimits(new Date(Date.now() + 60_000));
    expect(await db().signInThrottle.count({ where: keys })).toBe(3);
    await sweepSignInLimits(new Date(Date.now() + 25 * 3_600_000));
    expect(await db().signInThrottle.count({ where: keys })).toBe(0);
  });
});

describe("password hashes", () => {
  it("an old bcrypt hash still signs in, and is replaced by argon2id", async () => {
    const legacy = await db().user.create({ data: { email: "legacy@example.com", roles: ["viewer"], passwordHash: await bcryptHash("an-old-password-1", 10) } });
    expect((await issue("legacy@example.com", "an-old-password-2", fromPeer(HOME))).status).toBe(401);
    expect((await db().user.findUniqueOrThrow({ where: { id: legacy.id } })).passwordHash).toMatch(/^\$2b\$/);
    expect((await issue("legacy@example.com", "an-old-password-1", fromPeer(HOME))).status).toBe(201);
    expect((await db().user.findUniqueOrThrow({ where: { id: legacy.id } })).passwordHash).toMatch(/^\$argon2id\$/);
    expect((await issue("legacy@example.com", "an-old-password-1", fromPeer(HOME))).status).toBe(201);
  });

  it("a password longer than 72 bytes counts whole; over 200 characters is refused naming the field", async () => {
    const admin = await account(["admin"]);
    const token = await tokenFor(admin.id);
    const long = "correct-horse-".repeat(7); // 98 characters
    const created = await call(createUserRoute, { method: "POST", path: "/api/v1/users", token, body: { email: "long@example.com", password: long, roles: ["viewer"] } });
    expect(created.status).toBe(201);
    expect((await issue("long@example.com", long.slice(0, 72) + "-not-the-rest", fromPeer(HOME))).status).toBe(401);
    expect((await issue("long@example.com", long, fromPeer(HOME))).status).toBe(201);
    const tooLong = await call(createUserRoute, { method: "POST", path: "/api/v1/users", token, body: { email: "longer@example.com", password: "x".repeat(201), roles: ["viewer"] } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatchObject({ field: "password", message: "password: must be at most 200 characters" });
  });
});
