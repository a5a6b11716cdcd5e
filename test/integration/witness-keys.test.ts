import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as listAgentsRoute } from "@/app/api/v1/agents/route";
import { registerAgent } from "@/server/agents/register-agent";
import { rotateAgentToken } from "@/server/agents/rotate-agent-token";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

/**
 * An agent's witness key, offered with its report batches: the first one is
 * bound to the agent, a different one later is refused (audited once, never
 * bound) while its reports are still stored, and a token rotation lets
 * whoever holds the new token bind a new key.
 */

const rawKey = () => generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!;
let token: string;
let agentId: string;
let seq = 0;

beforeAll(async () => {
  await seedDemoTopology(db());
  const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-eu-west-1" } });
  ({ token, agent: { id: agentId } } = await registerAgent({ replicaId: replica.id, name: "agent-eu" }, SYSTEM_ACTOR));
});

const post = (witnessKey: unknown) => call(ingestRoute, { method: "POST", path: "/api/v1/agents/reports", token, body: { ...batchOf([standbyReport(++seq)]), witnessKey } });
const agent = () => db().agent.findUniqueOrThrow({ where: { id: agentId } });
const audits = (action: string) => db().auditEvent.findMany({ where: { action, targetId: agentId }, orderBy: { seq: "asc" } });

describe("an agent's witness key", () => {
  it("is bound by the first batch that offers it, audited, and shown on the agent", async () => {
    const first = rawKey();
    expect((await post(undefined)).status).toBe(200);
    expect((await agent()).witnessKey).toBeNull();
    expect((await post(first)).status).toBe(200);
    expect((await post(first)).status).toBe(200);
    expect(await agent()).toMatchObject({ witnessKey: first, refusedWitnessKey: null });
    expect((await audits("agent.witness_key_bind")).map((event) => [event.actorType, event.after])).toEqual([["agent", { witnessKey: first }]]);

    const admin = await tokenFor((await createTestUser("agents-admin@example.com", ["admin"])).id);
    const listed = await call(listAgentsRoute, { method: "GET", path: "/api/v1/agents", token: admin });
    expect(listed.json.agents.find((row: { id: string }) => row.id === agentId)).toMatchObject({ witnessKey: first, refusedWitnessKey: null });
  });

  it("is never replaced by a different key with the same token: that key is refused once, audited, and the reports are still stored", async () => {
    const bound = (await agent()).witnessKey;
    const other = rawKey();
    const before = (await agent()).lastSeq;
    for (let attempt = 0; attempt < 3; attempt++) expect((await post(other)).status).toBe(200);
    expect(await agent()).toMatchObject({ witnessKey: bound, refusedWitnessKey: other, lastSeq: before + 3n });
    const refusals = await audits("agent.witness_key_refuse");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ outcome: "failure", details: { bound, offered: other } });

    // A new key with every batch shows the latest and writes no more audit events: the token's holder cannot flood the trail.
    const audited = await db().auditEvent.count();
    const another = rawKey();
    for (const key of [another, rawKey(), another]) expect((await post(key)).status).toBe(200);
    expect(await agent()).toMatchObject({ witnessKey: bound, refusedWitnessKey: another });
    expect(await db().auditEvent.count()).toBe(audited);
  });

  it("is unbound by a token rotation, so the holder of the new token binds its own", async () => {
    const rotated = await rotateAgentToken(agentId, SYSTEM_ACTOR);
    token = rotated.token;
    expect(await agent()).toMatchObject({ witnessKey: null, refusedWitnessKey: null });
    const fresh = rawKey();
    expect((await post(fresh)).status).toBe(200);
    expect((await agent()).witnessKey).toBe(fresh);
  });

  it("answers 400 naming the field for a key that is not a raw Ed25519 public key, writing nothing", async () => {
    const before = await agent();
    for (const witnessKey of ["not a key", "A".repeat(44), 42]) {
      const { status, json } = await post(witnessKey);
      expect(status).toBe(400);
      expect(json.error.message).toMatch(/witnessKey/);
    }
    expect(await agent()).toMatchObject({ witnessKey: before.witnessKey, lastSeq: before.lastSeq });
  });
});
