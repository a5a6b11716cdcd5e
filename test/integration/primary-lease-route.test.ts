import { generateKeyPairSync } from "node:crypto";
import pg from "pg";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { CommandKeyRing } from "@/agents/commands/command-key-ring";
import { verifyRoster } from "@/agents/primary-lease/witness-roster";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { revokeAgent } from "@/server/agents/revoke-agent";
import { issueCommand, issueCommandIn } from "@/server/commands/issue-command";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { grantedLease } from "@/server/primary-lease/primary-leases";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { roundTrips } from "../support/round-trips";
import { runFixture } from "../support/runs";

/**
 * POST /api/v1/agents/lease through the real handler: the write replica is
 * granted the lease (the automation reads it back) with the signed roster of
 * the witnesses it may count, everyone else is refused with the reason, a
 * refused writable primary is audited once per episode, and a refusal writes
 * nothing else. A renewal costs two statements, and none is granted after a
 * promotion has read the lease.
 */

const agents: Record<string, { token: string; replicaId: string; agentId: string }> = {};
const US = "pg-us-east-1";
const EU = "pg-eu-west-1";
const W3 = "pg-europe-west3";
const WRITABLE = { role: "primary", readOnly: false };
/** The demo policy's lease period (heartbeat × misses). */
const PERIOD_MS = 5000;
const rawKey = () => generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!;
const keys: Record<string, string> = {};

const ask = (replica: string, body: unknown = WRITABLE, token = agents[replica]?.token) => call(leaseRoute, { method: "POST", path: "/api/v1/agents/lease", token, body });
const refusalAudits = (replica: string) => db().auditEvent.findMany({ where: { action: "primary_lease.refuse", targetId: agents[replica]!.replicaId }, orderBy: { seq: "asc" } });
const routeWritesTo = async (replica: string) => db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: agents[replica]!.replicaId } });

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of [US, EU, W3]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { token: issued.token, replicaId: replica.id, agentId: issued.agent.id };
    keys[name] = rawKey();
    await db().agent.update({ where: { id: issued.agent.id }, data: { witnessKey: keys[name] } });
  }
});

/** The roster a grant carries, as the agent of `replica` verifies it: witness name → region. */
async function rosterOf(token: string, replica: string) {
  const key = await CommandKeyRing.open(null, (await commandSigningKey()).publicKeyPem);
  const verdict = await verifyRoster(token, key, { agentName: `agent-${replica}`, replica, regionId: (await db().replica.findFirstOrThrow({ where: { name: replica } })).regionId });
  if (!verdict.ok) throw new Error(verdict.reason);
  return Object.fromEntries([...verdict.roster].map(([name, entry]) => [name, entry.regionId]));
}

beforeEach(async () => {
  await db().run.updateMany({ where: { activeForServiceId: "orders-db" }, data: { activeForServiceId: null, status: "aborted" } });
  await routeWritesTo(US);
});

describe("POST /api/v1/agents/lease", () => {
  it("grants the write replica the policy's lease and records it with the store's clock and the witnesses it counts", async () => {
    const before = new Date();
    const { status, json } = await ask(US);
    expect(status).toBe(200);
    // The demo policy: heartbeat 1 s × 5 misses.
    expect(json).toEqual({ granted: true, periodMs: 5000, epoch: 1, witnessRoster: expect.any(String) });
    expect(await rosterOf(json.witnessRoster, US)).toEqual({ [EU]: "aws:eu-west-1", [W3]: "gcp:europe-west3" });
    const [lease] = await db().primaryLease.findMany({ where: { serviceId: "orders-db" } });
    expect(lease).toMatchObject({ replicaId: agents[US]!.replicaId, serviceId: "orders-db", epoch: 1, periodMs: 5000, witnesses: ["pg-eu-west-1", "pg-europe-west3"] });
    expect(lease!.renewedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);

    // A renewal moves it on; a fenced write replica is granted too (that is how its agent learns it may undo its own fence).
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await ask(US, { ...WRITABLE, readOnly: true })).json.granted).toBe(true);
    const [renewed] = await db().primaryLease.findMany({ where: { serviceId: "orders-db" } });
    expect(renewed!.renewedAt.getTime()).toBeGreaterThan(lease!.renewedAt.getTime());
    expect(await db().auditEvent.count({ where: { action: "primary_lease.refuse" } })).toBe(0);
  });

  it("lists as witnesses only the other regions' replicas whose agents are active and bound a key, never a list the agent sends", async () => {
    // A second replica in the primary's own region, with an agent and a key: it shares the primary's fate and vouches for nothing.
    const sibling = await db().replica.create({
      data: { serviceId: "orders-db", regionId: "aws:us-east-1", name: "pg-us-east-1b", role: "standby", engine: "postgresql", host: "127.0.0.1", port: 1, databaseName: "orders", replication: "async" },
    });
    const siblingAgent = await registerAgent({ replicaId: sibling.id, name: "agent-pg-us-east-1b" }, SYSTEM_ACTOR);
    await db().agent.update({ where: { id: siblingAgent.agent.id }, data: { witnessKey: rawKey() } });
    try {
      expect(await rosterOf((await ask(US)).json.witnessRoster, US)).toEqual({ [EU]: "aws:eu-west-1", [W3]: "gcp:europe-west3" });

      // The agent's own say is not asked for: a list of witnesses in the request is refused.
      const claimed = await ask(US, { ...WRITABLE, witnesses: ["pg-us-east-1b"] });
      expect(claimed.status).toBe(400);
      expect(claimed.json.error.message).toMatch(/witnesses/);

      // A revoked agent, and one that has bound no key yet, are not listed, and the automation reckons the lease without them.
      await revokeAgent(agents[W3]!.agentId, SYSTEM_ACTOR);
      await db().agent.update({ where: { id: agents[EU]!.agentId }, data: { witnessKey: null } });
      expect(await rosterOf((await ask(US)).json.witnessRoster, US)).toEqual({});
      expect((await db().primaryLease.findUniqueOrThrow({ where: { replicaId: agents[US]!.replicaId } })).witnesses).toEqual([]);
    } finally {
      await db().agent.update({ where: { id: agents[EU]!.agentId }, data: { witnessKey: keys[EU] } });
      await db().agent.update({ where: { id: agents[W3]!.agentId }, data: { revokedAt: null } });
      await db().agent.delete({ where: { id: siblingAgent.agent.id } });
      await db().replica.delete({ where: { id: sibling.id } });
    }
    expect(await rosterOf((await ask(US)).json.witnessRoster, US)).toEqual({ [EU]: "aws:eu-west-1", [W3]: "gcp:europe-west3" });
  });

  it("refuses a standby and a former primary with the reason, writing no lease", async () => {
    expect(await ask(EU, { role: "standby", readOnly: true })).toMatchObject({
      status: 200,
      json: { granted: false, reason: "pg-eu-west-1 is a standby; only a primary holds a lease", epoch: 1 },
    });
    expect(await ask(EU)).toMatchObject({ status: 200, json: { granted: false, reason: "writes go to pg-us-east-1, not to pg-eu-west-1", epoch: 1 } });
    expect(await db().primaryLease.findUnique({ where: { replicaId: agents[EU]!.replicaId } })).toBeNull();
  });

  it("audits a refused writable primary once per episode, and nothing for a fenced or standby one", async () => {
    const counts = async () => ({ leases: await db().primaryLease.count(), audit: await db().auditEvent.count() });
    const quiet = await counts();
    await ask(W3, { role: "primary", readOnly: true });
    await ask(W3, { role: "standby", readOnly: true });
    expect(await counts()).toEqual(quiet);

    await ask(W3);
    await ask(W3);
    await ask(W3);
    const audits = await refusalAudits(W3);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorType: "agent",
      actorLabel: `agent-${W3}`,
      targetType: "replica",
      serviceId: "orders-db",
      outcome: "failure",
      reason: "writes go to pg-us-east-1, not to pg-europe-west3; the agent fences its writable primary",
    });
    expect(audits[0]!.details).toMatchObject({ replica: W3, observed: { role: "primary", readOnly: false }, writeReplica: US, promoting: null, epoch: 1, lastGrantedAt: null });
    expect(await counts()).toEqual({ ...quiet, audit: quiet.audit + 1 });

    // A grant ends the episode: the next refusal is a new one.
    await routeWritesTo(W3);
    expect((await ask(W3)).json.granted).toBe(true);
    await routeWritesTo(US);
    await ask(W3);
    await ask(W3);
    expect(await refusalAudits(W3)).toHaveLength(2);
  });

  it("audits the agent's own fence when it is first reported, and its end when first reported gone, once each", async () => {
    const selfFence = () => db().auditEvent.findMany({ where: { action: { in: ["primary_lease.self_fence", "primary_lease.self_unfence"] } }, orderBy: { seq: "asc" } });
    const before = (await selfFence()).length;
    const fencedAt = "2026-11-26T03:00:00.000Z";
    // Retries of one report, some at once (as two control-plane copies could answer them), audit it once.
    const retries = await Promise.all([0, 1, 2].map(() => ask(US, { ...WRITABLE, readOnly: true, selfFencedAt: fencedAt })));
    expect(retries.map((retry) => retry.status)).toEqual([200, 200, 200]);
    for (let retry = 0; retry < 2; retry++) expect((await ask(US, { ...WRITABLE, selfFencedAt: null })).status).toBe(200);
    const events = (await selfFence()).slice(before);
    expect(events.map((event) => [event.action, event.actorType, event.targetId, (event.details as { fencedAt: string }).fencedAt])).toEqual([
      ["primary_lease.self_fence", "agent", agents[US]!.replicaId, fencedAt],
      ["primary_lease.self_unfence", "agent", agents[US]!.replicaId, fencedAt],
    ]);
    expect(await db().selfFence.findUniqueOrThrow({ where: { replicaId: agents[US]!.replicaId } })).toMatchObject({ fencedAt: null, unauditedChanges: 0 });
  });

  it("writes at most one self-fence event a lease period however the agent varies its fence, counting the rest", async () => {
    const selfFence = () => db().auditEvent.findMany({ where: { action: { startsWith: "primary_lease.self_" }, targetId: agents[EU]!.replicaId }, orderBy: { seq: "asc" } });
    const started = Date.now();
    const changes = 30;
    for (let request = 0; request < changes; request++) {
      const selfFencedAt = request % 3 === 2 ? null : new Date(Date.UTC(2026, 10, 26, 3, 0, request)).toISOString();
      expect((await ask(EU, { role: "standby", readOnly: true, selfFencedAt })).status).toBe(200);
    }
    const events = await selfFence();
    const fences = events.filter((event) => event.action === "primary_lease.self_fence");
    const periods = Math.floor((Date.now() - started) / PERIOD_MS) + 1;
    expect(fences.length).toBeGreaterThanOrEqual(1);
    expect(fences.length).toBeLessThanOrEqual(periods);
    expect(events.length).toBeLessThanOrEqual(2 * periods);
    for (const [earlier, later] of fences.slice(1).map((fence, index) => [fences[index]!, fence] as const)) {
      expect(later.at.getTime() - earlier.at.getTime()).toBeGreaterThanOrEqual(PERIOD_MS);
    }
    // Nothing is lost: every change is an event, or counted in one, or counted and waiting.
    const record = await db().selfFence.findUniqueOrThrow({ where: { replicaId: agents[EU]!.replicaId } });
    const countedInEvents = events.reduce((sum, event) => sum + (event.details as { unauditedChanges: number }).unauditedChanges, 0);
    expect(events.length + countedInEvents + record.unauditedChanges).toBe(changes);

    // A change right after a written event is counted; a lease period later, the next request
    // (changing nothing) says where the counted changes left the fence.
    const replicaId = agents[EU]!.replicaId;
    await db().selfFence.update({ where: { replicaId }, data: { fenceAuditedAt: new Date() } });
    const lastFence = new Date(Date.UTC(2026, 10, 26, 4, 0, 0)).toISOString();
    await ask(EU, { role: "standby", readOnly: true, selfFencedAt: lastFence });
    const pending = (await db().selfFence.findUniqueOrThrow({ where: { replicaId } })).unauditedChanges;
    expect(pending).toBeGreaterThan(0);
    const before = (await selfFence()).length;
    await db().selfFence.update({ where: { replicaId }, data: { fenceAuditedAt: new Date(Date.now() - PERIOD_MS) } });
    await ask(EU, { role: "standby", readOnly: true, selfFencedAt: lastFence });
    const caughtUp = (await selfFence()).slice(before);
    expect(caughtUp).toHaveLength(1);
    expect(caughtUp[0]).toMatchObject({ action: "primary_lease.self_fence", details: { rule: "catch-up", unauditedChanges: pending, fencedAt: lastFence } });
    expect(caughtUp[0]!.reason).toMatch(/only counted \(at most one fence event every 5 s, the lease period\)$/);
    expect(await db().selfFence.findUniqueOrThrow({ where: { replicaId } })).toMatchObject({ unauditedChanges: 0, fenceAudited: true });
  });

  it("once an active run has issued its promotion, refuses the old primary and grants only the target", async () => {
    const run = await runFixture();
    await db().run.update({ where: { id: run.id }, data: { activeForServiceId: "orders-db" } });
    // A run that has not promoted yet changes nothing.
    expect((await ask(US)).json.granted).toBe(true);

    const promote = await issueCommand({ replicaId: agents[EU]!.replicaId, kind: "promote", args: {}, idempotencyKey: `${run.id}:promote`, actor: SYSTEM_ACTOR, runId: run.id });
    expect((await ask(US)).json).toEqual({ granted: false, reason: `run ${run.id} has issued the promotion of pg-eu-west-1; pg-us-east-1 must stay read-only`, epoch: 1 });
    // The target is granted although the write route has not followed it yet.
    expect((await ask(EU)).json).toEqual({ granted: true, periodMs: 5000, epoch: 1, witnessRoster: expect.any(String) });
    expect(await rosterOf((await ask(EU)).json.witnessRoster, EU)).toEqual({ [US]: "aws:us-east-1", [W3]: "gcp:europe-west3" });

    // A promotion its agent refused promoted nothing: the write replica holds the lease again.
    await db().agentCommand.update({ where: { id: promote.id }, data: { status: "refused" } });
    expect((await ask(US)).json.granted).toBe(true);
    expect((await ask(EU)).json.granted).toBe(false);
  });

  it("answers 400 naming the field, and 401 without an agent's token, writing nothing", async () => {
    const leases = await db().primaryLease.count();
    const bad = await ask(US, { role: "leader", readOnly: false });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/role/);
    const missing = await ask(US, { role: "primary" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/readOnly/);

    expect((await ask(US, WRITABLE, "")).status).toBe(401);
    expect((await ask(US, WRITABLE, "sya_not-a-real-token")).status).toBe(401);
    const person = await tokenFor((await createTestUser("lease-viewer@example.com", ["admin"])).id);
    expect((await ask(US, WRITABLE, person)).status).toBe(401);
    expect(await db().primaryLease.count()).toBe(leases);
  });
});

describe("the cost of a renewal", () => {
  it("is two SQL statements, the agent's authentication included, however many witnesses the primary has", async () => {
    const granted = async (body: unknown = WRITABLE) => expect((await ask(US, body)).json.granted).toBe(true);
    await granted();
    expect(await roundTrips(granted)).toBe(2);
    // A fenced write replica is granted at the same cost (that is how it learns it may undo its fence).
    expect(await roundTrips(() => granted({ ...WRITABLE, readOnly: true }))).toBe(2);

    const more = await Promise.all(
      ["aws:eu-west-1", "gcp:europe-west3"].map(async (regionId, i) => {
        const replica = await db().replica.create({
          data: { serviceId: "orders-db", regionId, name: `pg-extra-${i}`, role: "standby", engine: "postgresql", host: "127.0.0.1", port: 1, databaseName: "orders", replication: "async" },
        });
        const issued = await registerAgent({ replicaId: replica.id, name: `agent-pg-extra-${i}` }, SYSTEM_ACTOR);
        await db().agent.update({ where: { id: issued.agent.id }, data: { witnessKey: rawKey() } });
        return { replica, agent: issued.agent };
      }),
    );
    try {
      await granted();
      expect((await db().primaryLease.findUniqueOrThrow({ where: { replicaId: agents[US]!.replicaId } })).witnesses).toHaveLength(4);
      expect(await roundTrips(granted)).toBe(2);
    } finally {
      for (const { replica, agent } of more) {
        await db().agent.delete({ where: { id: agent.id } });
        await db().replica.delete({ where: { id: replica.id } });
      }
    }
  });
});

describe("a renewal racing a promotion", () => {
  const GRANT_STATEMENT = "grant-primary-lease";

  /**
   * Runs the renewal of the write replica's lease with a promotion of EU
   * started just before the renewal writes its grant, after it read the
   * facts: the promotion's transaction does what advance-run.ts does (bumps
   * the epoch, reads the old primary's lease, issues the promote command) and
   * commits `when` told. Returns the answer and the lease the promotion read.
   */
  async function renewDuringPromotion(when: "before the grant is written" | "while the grant waits for it") {
    const run = await runFixture();
    await db().run.update({ where: { id: run.id }, data: { activeForServiceId: "orders-db" } });
    const key = await commandSigningKey();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let promotion: Promise<Awaited<ReturnType<typeof grantedLease>>> | null = null;
    const promote = (updated: () => void) =>
      db().$transaction(
        async (tx) => {
          const service = await tx.service.update({ where: { id: "orders-db" }, data: { epoch: { increment: 1 } } });
          const seen = await grantedLease(agents[US]!.replicaId, tx);
          await issueCommandIn(tx, key, { replicaId: agents[EU]!.replicaId, kind: "promote", args: {}, idempotencyKey: `${run.id}:promote`, actor: SYSTEM_ACTOR, epoch: service.epoch, runId: run.id });
          updated();
          await released;
          return seen;
        },
        { timeout: 30_000 },
      );

    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { name?: string } | undefined;
      if (config?.name !== GRANT_STATEMENT || promotion) return (query as (...a: unknown[]) => unknown).apply(this, args);
      // The renewal has decided to grant, on facts read before the promotion.
      const updated = new Promise<void>((resolve) => (promotion = promote(resolve)));
      if (when === "before the grant is written") release();
      return (when === "before the grant is written" ? promotion!.then(() => undefined) : updated).then(() => (query as (...a: unknown[]) => unknown).apply(this, args));
    });
    try {
      const renewal = ask(US);
      if (when === "while the grant waits for it") {
        // The grant is blocked on the promotion's lock of the service's row (or, were it not, has answered already).
        let settled = false;
        void renewal.finally(() => (settled = true));
        for (;;) {
          const [blocked] = await db().$queryRaw<{ waiting: number }[]>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "PrimaryLease"%'`;
          if (blocked!.waiting > 0 || settled) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        release();
      }
      const answer = await renewal;
      expect(promotion).not.toBeNull();
      return { answer, seen: await promotion!, run };
    } finally {
      spy.mockRestore();
      release();
      await db().service.update({ where: { id: "orders-db" }, data: { epoch: 1 } });
    }
  }

  for (const when of ["before the grant is written", "while the grant waits for it"] as const) {
    it(`is refused, and writes nothing, when the promotion commits ${when}`, async () => {
      expect((await ask(US)).json.granted).toBe(true);
      const { answer, seen, run } = await renewDuringPromotion(when);
      expect(answer).toMatchObject({ status: 200, json: { granted: false, reason: `run ${run.id} has issued the promotion of pg-eu-west-1; pg-us-east-1 must stay read-only`, epoch: 2 } });
      // The lease the promotion relied on is the last one ever granted.
      const lease = await db().primaryLease.findUniqueOrThrow({ where: { replicaId: agents[US]!.replicaId } });
      expect(seen).not.toBeNull();
      expect(lease.renewedAt).toEqual(seen!.renewedAt);
      expect(lease.epoch).toBe(1);
    });
  }
});
