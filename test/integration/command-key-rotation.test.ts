import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandKeyRing } from "@/agents/commands/command-key-ring";
import { verifyCommand, type Verification } from "@/agents/commands/verify-command";
import { GET as pollRoute } from "@/app/api/v1/agents/commands/route";
import { GET as statusRoute } from "@/app/api/v1/command-keys/route";
import { POST as cancelRoute } from "@/app/api/v1/command-keys/rotation/cancel/route";
import { POST as completeRoute } from "@/app/api/v1/command-keys/rotation/complete/route";
import { POST as startRoute } from "@/app/api/v1/command-keys/rotation/route";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { issueCommand } from "@/server/commands/issue-command";
import { commandSigningKey, keyOf, type CommandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { keyDir } from "@/server/keys/key-files";
import { call, createTestUser, tokenFor } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";

const US = "pg-us-east-1";
const EU = "pg-eu-west-1";

interface TestAgent {
  name: string;
  token: string;
  replicaId: string;
  /** The agent's own trust list, as its command loop keeps it. */
  ring: CommandKeyRing;
}

const agents: Record<string, TestAgent> = {};
let admin: string;
let operator: string;
let stateDir: string;
let counter = 0;

beforeAll(async () => {
  await seedDemoTopology(db());
  admin = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  stateDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-rotation-agents-"));
  const pinned = (await commandSigningKey()).publicKeyPem;
  for (const name of [US, EU]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { name: issued.agent.name, token: issued.token, replicaId: replica.id, ring: await CommandKeyRing.open(mkdtempSync(path.join(stateDir, "agent-")), pinned) };
  }
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

/** One poll as the agent's command loop makes it: it says which statement it holds, adopts the ones it is sent, and verifies the commands. */
async function poll(replica: string): Promise<Verification[]> {
  const agent = agents[replica]!;
  const { status, json } = await call(pollRoute, { token: agent.token, path: `/api/v1/agents/commands?waitSeconds=0&keyGeneration=${agent.ring.generation}` });
  expect(status).toBe(200);
  await agent.ring.accept(json.keyStatements);
  return Promise.all(json.commands.map((command: { id: string; token: string }) => verifyCommand(command.id, command.token, { keys: agent.ring, agentName: agent.name, replicaName: replica })));
}

/** A command for `replica` as the control plane signs one, with `key`, addressed and shaped correctly. */
async function signedBy(key: CommandSigningKey, replica: string, kid = key.id): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ kind: "checkpoint", args: {}, serviceId: "orders-db", replica, epoch: 1 })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid })
    .setIssuer("switchyard")
    .setAudience(agents[replica]!.name)
    .setJti(id)
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .sign(key.privateKey);
  return { id, token };
}

const verifyAs = (replica: string, command: { id: string; token: string }) =>
  verifyCommand(command.id, command.token, { keys: agents[replica]!.ring, agentName: agents[replica]!.name, replicaName: replica });

const issue = (replica: string) => issueCommand({ replicaId: agents[replica]!.replicaId, kind: "checkpoint", args: {}, idempotencyKey: `rotation-${++counter}`, actor: SYSTEM_ACTOR });

async function answerAll(replica: string): Promise<void> {
  await db().agentCommand.updateMany({ where: { agent: { name: agents[replica]!.name }, status: { in: ["pending", "delivered"] } }, data: { status: "succeeded" } });
}

describe("a command-key rotation", () => {
  let old: CommandSigningKey;
  let next: CommandSigningKey;
  let inFlight: { id: string };
  let forgedRow: { id: string; token: string };

  it("starts only by an admin, makes the next key in the key folder (0600), audited, and signs nothing with it yet", async () => {
    old = await commandSigningKey();
    expect((await call(startRoute, { method: "POST", token: operator, body: { reason: "yearly" } })).status).toBe(403);
    expect((await call(startRoute, { method: "POST", token: admin, body: {} })).status).toBe(400);

    const started = await call(startRoute, { method: "POST", token: admin, body: { reason: "yearly" } });
    expect(started.status).toBe(201);
    expect(started.json.current.id).toBe(old.id);
    expect(started.json.next.id).not.toBe(old.id);
    expect(started.json.generation).toBe(1);
    const row = await db().commandKey.findUniqueOrThrow({ where: { id: started.json.next.id } });
    expect(statSync(path.join(keyDir(), row.keyName)).mode & 0o777).toBe(0o600);
    next = await keyOf(row);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "command_key.rotation_start" } });
    expect(audit).toMatchObject({ actorLabel: "admin@example.com", targetType: "command_key", targetId: next.id, reason: "yearly" });

    expect((await call(startRoute, { method: "POST", token: admin, body: { reason: "again" } })).json.error.message).toBe(
      `A rotation is already in progress (next key ${next.id}): complete or cancel it first.`,
    );
    expect(decodeProtectedHeader((await issue(US)).token).kid).toBe(old.id);
    await answerAll(US);
  });

  it("reaches agents through their poll, and while it lasts they accept commands signed by either key", async () => {
    expect(agents[US]!.ring.ids).toEqual([old.id]);
    expect(await poll(US)).toEqual([]);
    expect(agents[US]!.ring.ids).toEqual([old.id, next.id]);
    for (const key of [old, next]) expect((await verifyAs(US, await signedBy(key, US))).ok, key.id).toBe(true);
    // The next poll says the agent holds the rotation's statement.
    await poll(US);
    expect((await db().agent.findFirstOrThrow({ where: { name: agents[US]!.name } })).commandKeyGeneration).toBe(1);
  });

  it("is not completed while an active agent has not confirmed the next key, unless forced", async () => {
    inFlight = await issue(US);
    // A row no control plane signed, claiming the old key: completion must not sign it for whoever wrote it.
    const impostor = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const forged = await new SignJWT({ kind: "promote", args: {}, serviceId: "orders-db", replica: US, epoch: 9 })
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: old.id })
      .setIssuer("switchyard")
      .setAudience(agents[US]!.name)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("2m")
      .sign(impostor.privateKey);
    const agent = await db().agent.findFirstOrThrow({ where: { name: agents[US]!.name } });
    forgedRow = await db().agentCommand.create({
      data: { agentId: agent.id, serviceId: "orders-db", kind: "promote", args: {}, epoch: 9, idempotencyKey: `forged-${randomUUID()}`, token: forged, expiresAt: new Date(Date.now() + 120_000) },
    });

    const refused = await call(completeRoute, { method: "POST", token: admin, body: { reason: "done" } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(new RegExp(`^1 active agent has not confirmed the next key: ${agents[EU]!.name}\\. Completing retires ${old.id}`));
    expect((await db().commandKey.findUniqueOrThrow({ where: { id: old.id } })).state).toBe("current");

    const status = await call(statusRoute, { token: admin });
    expect(status.json.agents.map((entry: { name: string; confirmed: boolean }) => [entry.name, entry.confirmed])).toEqual([
      [agents[EU]!.name, false],
      [agents[US]!.name, true],
    ]);
  });

  it("once completed, signs with the new key, re-signs what was in flight, and agents refuse the retired key", async () => {
    const completed = await call(completeRoute, { method: "POST", token: admin, body: { reason: "done", force: true } });
    expect(completed.status).toBe(200);
    expect(completed.json.current.id).toBe(next.id);
    expect(completed.json.next).toBeNull();
    expect(completed.json.retired.map((key: { id: string }) => key.id)).toEqual([old.id]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "command_key.rotation_complete" } });
    expect(audit.details).toMatchObject({ generation: 2, resignedCommands: 1, forced: true, unconfirmedAgents: [agents[EU]!.name] });
    expect((await commandSigningKey()).id).toBe(next.id);

    // The command issued before completion is handed out signed by the new key, and verifies.
    const verifications = await poll(US);
    expect(agents[US]!.ring.ids).toEqual([next.id]);
    const delivered = verifications.filter((verification): verification is Extract<Verification, { ok: true }> => verification.ok);
    expect(delivered.map((verification) => verification.command.id)).toEqual([inFlight.id]);
    // The forged row was not signed for its writer: the agent still refuses it.
    expect(decodeProtectedHeader((await db().agentCommand.findUniqueOrThrow({ where: { id: forgedRow.id } })).token).kid).toBe(old.id);
    expect(verifications.filter((verification) => !verification.ok)).toEqual([
      { ok: false, reason: `the command is signed with key ${old.id}, which this agent does not trust (unknown, or retired by a completed rotation); it trusts only ${next.id}` },
    ]);
    await answerAll(US);

    const byRetired = await verifyAs(US, await signedBy(old, US));
    expect(byRetired).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^the command is signed with key ${old.id}, which this agent does not trust`)) });
    // A retired key's signature does not pass under the new key's id either.
    expect(await verifyAs(US, await signedBy(old, US, next.id))).toEqual({ ok: false, reason: "the command's signature does not verify against the control plane's key its kid names" });
    expect(decodeProtectedHeader((await issue(US)).token).kid).toBe(next.id);
    expect((await poll(US)).every((verification) => verification.ok)).toBe(true);
  });

  it("reaches an agent that missed it whole: its poll brings both statements, applied in order", async () => {
    expect(agents[EU]!.ring.ids).toEqual([old.id]);
    await poll(EU);
    expect(agents[EU]!.ring.ids).toEqual([next.id]);
    expect(agents[EU]!.ring.generation).toBe(2);
    expect((await verifyAs(EU, await signedBy(next, EU))).ok).toBe(true);
  });

  it("can be cancelled: the next key is retired unused and agents trust the current key alone again", async () => {
    await answerAll(US);
    const started = await call(startRoute, { method: "POST", token: admin, body: { reason: "another" } });
    await poll(US);
    expect(agents[US]!.ring.ids).toEqual([next.id, started.json.next.id]);
    expect((await call(cancelRoute, { method: "POST", token: operator, body: { reason: "mistake" } })).status).toBe(403);
    const cancelled = await call(cancelRoute, { method: "POST", token: admin, body: { reason: "mistake" } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.current.id).toBe(next.id);
    expect(cancelled.json.next).toBeNull();
    await poll(US);
    expect(agents[US]!.ring.ids).toEqual([next.id]);
    expect((await call(completeRoute, { method: "POST", token: admin, body: { reason: "nothing" } })).json.error.message).toMatch(/^No rotation is in progress/);
    expect(await db().auditEvent.count({ where: { action: "command_key.rotation_cancel", actorLabel: "admin@example.com", reason: "mistake" } })).toBe(1);
  });

  it("does not count an agent that reports a statement this control plane never issued as confirmed", async () => {
    await poll(US);
    await db().agent.update({ where: { name: agents[EU]!.name }, data: { commandKeyGeneration: 99 } });
    const status = await call(statusRoute, { token: admin });
    expect(status.json.generation).toBe(4);
    expect(status.json.agents.map((entry: { name: string; generation: number; confirmed: boolean }) => [entry.name, entry.generation, entry.confirmed])).toEqual([
      [agents[EU]!.name, 99, false],
      [agents[US]!.name, 4, true],
    ]);
    await call(startRoute, { method: "POST", token: admin, body: { reason: "once more" } });
    await poll(US);
    await poll(US);
    const refused = await call(completeRoute, { method: "POST", token: admin, body: { reason: "done" } });
    expect(refused.json.error.message).toMatch(new RegExp(`^1 active agent has not confirmed the next key: ${agents[EU]!.name}\\.`));
  });
});
