import { beforeAll, describe, expect, it } from "vitest";
import { GET as commandKeyRoute } from "@/app/api/v1/agents/command-key/route";
import { GET as configRoute } from "@/app/api/v1/agents/config/route";
import { POST as enrollRoute } from "@/app/api/v1/agents/enroll/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { POST as issueRoute } from "@/app/api/v1/replicas/[id]/enrollment-tokens/route";
import type { PeerProbe } from "@/contracts/agent-reports";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

let admin: string;
let operator: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  admin = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
});

async function spareReplica(name: string, regionId = "gcp:europe-west3") {
  return db().replica.create({
    data: { serviceId: "orders-db", regionId, name, role: "standby", engine: "postgresql", host: "10.9.0.1", port: 5432, databaseName: "orders", replication: "async" },
  });
}

const issue = (replicaId: string, body: object = {}, token = admin) => call(issueRoute, { method: "POST", token, params: { id: replicaId }, body });
const enroll = (token: string | undefined, body: object = {}) => call(enrollRoute, { method: "POST", token, body });
const post = (token: string, seqs: number[], peers: PeerProbe[] = []) =>
  call(ingestRoute, { method: "POST", token, body: batchOf(seqs.map((seq) => standbyReport(seq, { peers }))) });

async function waitForLockWaiters(count: number): Promise<void> {
  for (;;) {
    const [row] = await db().$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted`;
    if (row!.waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything an enrollment could write. */
const written = () => Promise.all([db().agent.count(), db().auditEvent.count(), db().enrollmentToken.count({ where: { usedAt: { not: null } } })]);

describe("issuing an enrollment token", () => {
  it("answers the token once, expiring in an hour by default, with the command key's fingerprint; stores only its hash; audits it", async () => {
    const replica = await spareReplica("pg-enroll-issue");
    const before = Date.now();
    const issued = await issue(replica.id);
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ replicaId: replica.id, replicaName: "pg-enroll-issue", serviceId: "orders-db", regionId: "gcp:europe-west3" });
    expect(issued.json.token).toMatch(/^sye_/);
    const expiresIn = Date.parse(issued.json.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(3_590_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000 + 60_000);
    const key = (await call(commandKeyRoute, { token: admin })).json;
    expect(issued.json.commandKeyFingerprint).toBe(key.fingerprint);
    expect(key.fingerprint).toBe(commandKeyFingerprint(key.publicKey));

    const stored = await db().enrollmentToken.findFirstOrThrow({ where: { replicaId: replica.id } });
    expect(stored.tokenHash).not.toContain(issued.json.token);
    expect(JSON.stringify(stored)).not.toContain(issued.json.token);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "agent.enrollment_token_issue", targetId: replica.id } });
    expect(event).toMatchObject({ actorLabel: "admin@example.com", serviceId: "orders-db" });
    expect(JSON.stringify([event.before, event.after, event.details])).not.toContain(issued.json.token);
  });

  it("refuses a lifetime over 7 days or under a minute naming the field, an unknown replica, and anyone but an admin, writing nothing", async () => {
    const replica = await spareReplica("pg-enroll-bad-issue");
    const tokens = () => db().enrollmentToken.count();
    const before = [await tokens(), await db().auditEvent.count()];
    const tooLong = await issue(replica.id, { expiresInSeconds: 7 * 86_400 + 1 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.field).toBe("expiresInSeconds");
    expect((await issue(replica.id, { expiresInSeconds: 59 })).status).toBe(400);
    expect((await issue("no-such-replica")).status).toBe(404);
    expect((await issue(replica.id, {}, operator)).status).toBe(403);
    expect([await tokens(), await db().auditEvent.count()]).toEqual(before);
    expect((await issue(replica.id, { expiresInSeconds: 7 * 86_400 })).status).toBe(201);
  });
});

describe("enrolling an agent", () => {
  it("creates the agent with its own credential and the command key to pin, marks the token used, audits it, and the credential reports", async () => {
    const replica = await spareReplica("pg-enroll-ok");
    const { token } = (await issue(replica.id)).json;
    const enrolled = await enroll(token, { version: "9.9.9" });
    expect(enrolled.status).toBe(201);
    expect(enrolled.json.agent).toMatchObject({ name: "agent-pg-enroll-ok", replicaId: replica.id, replicaName: "pg-enroll-ok", serviceId: "orders-db", regionId: "gcp:europe-west3" });
    expect(enrolled.json.token).toMatch(/^sya_/);
    expect(enrolled.json.replaced).toBeNull();
    const key = (await call(commandKeyRoute, { token: admin })).json;
    expect(enrolled.json.commandKey).toEqual(key);

    const stored = await db().enrollmentToken.findFirstOrThrow({ where: { replicaId: replica.id } });
    expect(stored.usedAt).not.toBeNull();
    expect(stored.agentId).toBe(enrolled.json.agent.id);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "agent.enroll", targetId: enrolled.json.agent.id } });
    expect(event).toMatchObject({ actorType: "agent", actorId: enrolled.json.agent.id, actorLabel: "agent-pg-enroll-ok", serviceId: "orders-db" });
    expect(event.details).toMatchObject({ issuedBy: "admin@example.com", replaced: null });
    expect(JSON.stringify([event.before, event.after, event.details])).not.toContain(enrolled.json.token);
    expect(await db().agent.findUniqueOrThrow({ where: { id: enrolled.json.agent.id } })).toMatchObject({ version: "9.9.9", revokedAt: null });

    expect((await post(enrolled.json.token, [1, 2])).status).toBe(200);
  });

  it("refuses a used token with 401 and writes nothing", async () => {
    const replica = await spareReplica("pg-enroll-twice");
    const { token } = (await issue(replica.id)).json;
    expect((await enroll(token)).status).toBe(201);
    const before = await written();
    const again = await enroll(token, { replace: true });
    expect(again.status).toBe(401);
    expect(again.json.error).toMatchObject({ code: "unauthenticated", field: "token" });
    expect(again.json.error.message).toMatch(/already used/);
    expect(again.json.error.message).not.toContain("pg-enroll-twice");
    expect(await written()).toEqual(before);
  });

  it("refuses an expired token with 401 and writes nothing", async () => {
    const replica = await spareReplica("pg-enroll-expired");
    const { token } = (await issue(replica.id)).json;
    await db().enrollmentToken.updateMany({ where: { replicaId: replica.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await written();
    const late = await enroll(token);
    expect(late.status).toBe(401);
    expect(late.json.error.message).toMatch(/expired/);
    expect(late.json.error.message).not.toContain("pg-enroll-expired");
    expect(await written()).toEqual(before);
  });

  it("refuses an unknown token, no token, and an agent's or a person's token with 401, writing nothing", async () => {
    const before = await written();
    const unknown = await enroll("sye_no-such-token");
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.message).toMatch(/unknown/);
    expect((await enroll(undefined)).status).toBe(401);
    expect((await enroll(admin)).status).toBe(401);
    const replica = await spareReplica("pg-enroll-agent-token");
    const agentToken = (await enroll((await issue(replica.id)).json.token)).json.token;
    const afterSetup = await written();
    expect(afterSetup).not.toEqual(before);
    expect((await enroll(agentToken)).status).toBe(401);
    expect(await written()).toEqual(afterSetup);
  });

  it("refuses a replica with an active agent with 409 naming `replace`, leaving the token usable; with replace it revokes the old credential in the same step", async () => {
    const replica = await spareReplica("pg-enroll-replace");
    const first = (await enroll((await issue(replica.id)).json.token)).json;
    const usEast = { replica: "pg-us-east-1", regionId: "aws:us-east-1", reachable: false, rttMs: null, error: "timeout" };
    expect((await post(first.token, [1], [usEast])).status).toBe(200);
    expect(await db().witnessLink.count({ where: { fromReplicaId: replica.id } })).toBe(1);

    const { token } = (await issue(replica.id)).json;
    const before = await written();
    const refused = await enroll(token);
    expect(refused.status).toBe(409);
    expect(refused.json.error.field).toBe("replace");
    expect(refused.json.error.message).toContain("agent-pg-enroll-replace");
    expect(await written()).toEqual(before);

    const second = await enroll(token, { replace: true });
    expect(second.status).toBe(201);
    expect(second.json.agent.name).toBe("agent-pg-enroll-replace-2");
    expect(second.json.replaced).toBe("agent-pg-enroll-replace");
    expect((await post(first.token, [2])).status).toBe(401);
    expect((await post(second.json.token, [1])).status).toBe(200);
    expect(await db().agent.findUniqueOrThrow({ where: { id: first.agent.id } })).toMatchObject({ revokedAt: expect.any(Date) });
    const revoked = await db().auditEvent.findFirstOrThrow({ where: { action: "agent.revoke", targetId: first.agent.id } });
    expect(revoked).toMatchObject({ actorType: "agent", actorId: second.json.agent.id, reason: expect.stringContaining("replaced by agent-pg-enroll-replace-2") });
  });

  it("refuses a replica retired from its service, on issue and on enrollment, writing nothing", async () => {
    const replica = await spareReplica("pg-enroll-retired");
    const { token } = (await issue(replica.id)).json;
    await db().replica.update({ where: { id: replica.id }, data: { retiredAt: new Date() } });
    const before = await written();
    const refused = await enroll(token, { replace: true });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/pg-enroll-retired was retired/);
    expect(await written()).toEqual(before);
    const again = await issue(replica.id);
    expect(again.status).toBe(409);
    expect(again.json.error.field).toBe("id");
  });

  it("lets only one of two enrollments racing with one token through: the second sees the token used", async () => {
    const replica = await spareReplica("pg-enroll-race");
    const { token } = (await issue(replica.id)).json;
    // Both enrollments start while the token's row is held, so both read it before either has used it.
    let racing!: Promise<Awaited<ReturnType<typeof enroll>>[]>;
    await db().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "EnrollmentToken" WHERE "replicaId" = ${replica.id} FOR UPDATE`;
        racing = Promise.all([enroll(token), enroll(token)]);
        await waitForLockWaiters(2);
      },
      { timeout: 30_000 },
    );
    const answers = await racing;
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401]);
    expect(answers.find((answer) => answer.status === 401)!.json.error.message).toMatch(/already used/);
    expect(await db().agent.count({ where: { replicaId: replica.id } })).toBe(1);
  });
});

describe("an agent's configuration", () => {
  it("names its replica, its peers to witness (the service's other replicas, without credentials) and its intervals, and changes when a replica is added", async () => {
    const replica = await spareReplica("pg-enroll-config");
    const enrolled = (await enroll((await issue(replica.id)).json.token)).json;
    const first = await call(configRoute, { token: enrolled.token });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      agentName: "agent-pg-enroll-config",
      replica: { name: "pg-enroll-config", regionId: "gcp:europe-west3", engine: "postgresql", host: "10.9.0.1", port: 5432, database: "orders" },
      intervalMs: 1000,
      probeTimeoutMs: 2000,
    });
    const services = await db().replica.findMany({ where: { serviceId: "orders-db", retiredAt: null, NOT: { id: replica.id } } });
    expect(first.json.peers.map((peer: { replica: string }) => peer.replica).sort()).toEqual(services.map((peer) => peer.name).sort());
    expect(JSON.stringify(first.json)).not.toMatch(/password|postgresql:\/\//);
    expect((await call(configRoute, { token: enrolled.token })).json.revision).toBe(first.json.revision);

    await spareReplica("pg-enroll-config-new", "aws:us-east-1");
    const second = (await call(configRoute, { token: enrolled.token })).json;
    expect(second.revision).not.toBe(first.json.revision);
    expect(second.peers).toContainEqual({ replica: "pg-enroll-config-new", regionId: "aws:us-east-1", host: "10.9.0.1", port: 5432, database: "orders" });

    // A replica retired from the service is no longer witnessed.
    await db().replica.updateMany({ where: { name: "pg-enroll-config-new" }, data: { retiredAt: new Date() } });
    const third = (await call(configRoute, { token: enrolled.token })).json;
    expect(third.peers.map((peer: { replica: string }) => peer.replica)).not.toContain("pg-enroll-config-new");
    expect(third.revision).toBe(first.json.revision);
  });

  it("is refused to a revoked agent's credential", async () => {
    const replica = await spareReplica("pg-enroll-config-revoked");
    const first = (await enroll((await issue(replica.id)).json.token)).json;
    expect((await enroll((await issue(replica.id)).json.token, { replace: true })).status).toBe(201);
    expect((await call(configRoute, { token: first.token })).status).toBe(401);
  });
});
