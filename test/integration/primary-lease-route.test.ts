import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as leaseRoute } from "@/app/api/v1/agents/lease/route";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { issueCommand } from "@/server/commands/issue-command";
import { db } from "@/server/db/client";

import { seedDemoTopology } from "@/server/store/seed";
import { call, createTestUser, tokenFor } from "../support/api";
import { runFixture } from "../support/runs";

/**
 * POST /api/v1/agents/lease through the real handler: the write replica is
 * granted the lease (the automation reads it back), everyone else is refused
 * with the reason, a refused writable primary is audited once per episode,
 * and a refusal writes nothing else.
 */

const agents: Record<string, { token: string; replicaId: string }> = {};
const US = "pg-us-east-1";
const EU = "pg-eu-west-1";
const W3 = "pg-europe-west3";
const WRITABLE = { role: "primary", readOnly: false, witnesses: ["pg-eu-west-1", "pg-europe-west3"] };

const ask = (replica: string, body: unknown = WRITABLE, token = agents[replica]?.token) => call(leaseRoute, { method: "POST", path: "/api/v1/agents/lease", token, body });
const refusalAudits = (replica: string) => db().auditEvent.findMany({ where: { action: "primary_lease.refuse", targetId: agents[replica]!.replicaId }, orderBy: { seq: "asc" } });
const routeWritesTo = async (replica: string) => db().service.update({ where: { id: "orders-db" }, data: { writeReplicaId: agents[replica]!.replicaId } });

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of [US, EU, W3]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { token: issued.token, replicaId: replica.id };
  }
});

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
    expect(json).toEqual({ granted: true, periodMs: 5000, epoch: 1 });
    const [lease] = await db().primaryLease.findMany({ where: { serviceId: "orders-db" } });
    expect(lease).toMatchObject({ replicaId: agents[US]!.replicaId, serviceId: "orders-db", epoch: 1, periodMs: 5000, witnesses: ["pg-eu-west-1", "pg-europe-west3"] });
    expect(lease!.renewedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);

    // A renewal moves it on; a fenced write replica is granted too (that is how its agent learns it may undo its own fence).
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await ask(US, { ...WRITABLE, readOnly: true, witnesses: [] })).json.granted).toBe(true);
    const [renewed] = await db().primaryLease.findMany({ where: { serviceId: "orders-db" } });
    expect(renewed!.renewedAt.getTime()).toBeGreaterThan(lease!.renewedAt.getTime());
    expect(renewed!.witnesses).toEqual([]);
    expect(await db().auditEvent.count({ where: { action: "primary_lease.refuse" } })).toBe(0);
  });

  it("refuses a standby and a former primary with the reason, writing no lease", async () => {
    expect(await ask(EU, { role: "standby", readOnly: true, witnesses: [] })).toMatchObject({
      status: 200,
      json: { granted: false, reason: "pg-eu-west-1 is a standby; only a primary holds a lease", epoch: 1 },
    });
    expect(await ask(EU)).toMatchObject({ status: 200, json: { granted: false, reason: "writes go to pg-us-east-1, not to pg-eu-west-1", epoch: 1 } });
    expect(await db().primaryLease.findUnique({ where: { replicaId: agents[EU]!.replicaId } })).toBeNull();
  });

  it("audits a refused writable primary once per episode, and nothing for a fenced or standby one", async () => {
    const counts = async () => ({ leases: await db().primaryLease.count(), audit: await db().auditEvent.count() });
    const quiet = await counts();
    await ask(W3, { role: "primary", readOnly: true, witnesses: [] });
    await ask(W3, { role: "standby", readOnly: true, witnesses: [] });
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
    expect(await db().selfFence.count()).toBe(0);
  });

  it("once an active run has issued its promotion, refuses the old primary and grants only the target", async () => {
    const run = await runFixture();
    await db().run.update({ where: { id: run.id }, data: { activeForServiceId: "orders-db" } });
    // A run that has not promoted yet changes nothing.
    expect((await ask(US)).json.granted).toBe(true);

    const promote = await issueCommand({ replicaId: agents[EU]!.replicaId, kind: "promote", args: {}, idempotencyKey: `${run.id}:promote`, actor: SYSTEM_ACTOR, runId: run.id });
    expect((await ask(US)).json).toEqual({ granted: false, reason: `run ${run.id} has issued the promotion of pg-eu-west-1; pg-us-east-1 must stay read-only`, epoch: 1 });
    // The target is granted although the write route has not followed it yet.
    expect((await ask(EU)).json).toEqual({ granted: true, periodMs: 5000, epoch: 1 });

    // A promotion its agent refused promoted nothing: the write replica holds the lease again.
    await db().agentCommand.update({ where: { id: promote.id }, data: { status: "refused" } });
    expect((await ask(US)).json.granted).toBe(true);
    expect((await ask(EU)).json.granted).toBe(false);
  });

  it("answers 400 naming the field, and 401 without an agent's token, writing nothing", async () => {
    const leases = await db().primaryLease.count();
    const bad = await ask(US, { role: "leader", readOnly: false, witnesses: [] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/role/);
    const missing = await ask(US, { role: "primary", readOnly: false });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/witnesses/);

    expect((await ask(US, WRITABLE, "")).status).toBe(401);
    expect((await ask(US, WRITABLE, "sya_not-a-real-token")).status).toBe(401);
    const person = await tokenFor((await createTestUser("lease-viewer@example.com", ["admin"])).id);
    expect((await ask(US, WRITABLE, person)).status).toBe(401);
    expect(await db().primaryLease.count()).toBe(leases);
  });
});
