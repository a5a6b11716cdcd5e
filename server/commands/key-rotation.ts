import "server-only";
import { createPublicKey } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { COMMAND_KEY_STATEMENT_TYPE, type CommandKeyStatus, type CommandKeyView } from "@/contracts/command-keys";
import { decideRotation, type RotationFacts, type RotationStep } from "@/core/keys/rotation-rules";
import { ACTIVE_AGENT } from "../agents/active-agent";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { commandKeyRing, forgetCommandKeyRing, keyOf, newCommandKeyPem, signingKeyFromPem, type CommandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import type { CommandKey } from "../db/generated/client";
import type { Tx } from "../db/transaction";
import { ConflictError } from "../errors";
import { rotatedCommandKeyName } from "../keys/key-names";
import { keyProvider } from "../keys/key-provider";

// Any constant works; it only has to be the same in every control-plane copy.
const ROTATION_LOCK = 0x5357_4b52; // "SWKR"

async function signStatement(signer: CommandSigningKey, generation: number, keys: readonly CommandSigningKey[]): Promise<string> {
  return new SignJWT({ generation, keys: keys.map((key) => ({ id: key.id, publicKey: key.publicKeyPem })) })
    .setProtectedHeader({ alg: "EdDSA", typ: COMMAND_KEY_STATEMENT_TYPE, kid: signer.id })
    .setIssuer("switchyard")
    .setIssuedAt()
    .sign(signer.privateKey);
}

interface LockedFacts {
  current: CommandKey;
  next: CommandKey | null;
  generation: number;
  agents: { id: string; name: string; commandKeyGeneration: number | null }[];
}

/** The rotation's state, read after taking its lock, so that steps from several admins or copies happen one after another. */
async function lockedFacts(tx: Tx): Promise<LockedFacts> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK}::bigint)`;
  const keys = await tx.commandKey.findMany({ where: { state: { in: ["current", "next"] } } });
  const current = keys.find((key) => key.state === "current");
  if (!current) throw new Error("The store names no current command key.");
  const newest = await tx.commandKeyStatement.aggregate({ _max: { generation: true } });
  const agents = await tx.agent.findMany({ where: ACTIVE_AGENT.where, select: { id: true, name: true, commandKeyGeneration: true }, orderBy: { name: "asc" } });
  return { current, next: keys.find((key) => key.state === "next") ?? null, generation: newest._max.generation ?? 0, agents };
}

/**
 * Whether an agent's last poll said it holds the newest key statement (during
 * a rotation, the one that started it), and none newer: an agent ahead of the
 * store followed a rotation the store does not know (restored from a backup,
 * or a statement someone else handed it).
 */
function holdsNewest(agent: { commandKeyGeneration: number | null }, newest: number): boolean {
  return agent.commandKeyGeneration === newest;
}

/** During a rotation, the agents that have not confirmed the next key. */
function unconfirmed(facts: LockedFacts): string[] {
  if (!facts.next) return [];
  return facts.agents.filter((agent) => !holdsNewest(agent, facts.generation)).map((agent) => agent.name);
}

function refuseUnless(step: RotationStep, facts: LockedFacts, force = false): void {
  const rotationFacts: RotationFacts = { step, current: facts.current, next: facts.next, unconfirmedAgents: unconfirmed(facts), force };
  const decision = decideRotation(rotationFacts);
  if (!decision.ok) throw new ConflictError(decision.message);
}

/**
 * Starts a rotation: makes the next key in the key provider, records its
 * public half, and tells agents to trust it beside the current key (a
 * statement signed by the current key). Nothing is signed with it yet.
 */
export async function startKeyRotation(actor: AuditActor, reason: string): Promise<CommandKeyStatus> {
  // Refused early, before a key is made for nothing; decided again under the lock.
  refuseUnless("start", await db().$transaction(lockedFacts));
  const provider = keyProvider();
  const pem = newCommandKeyPem();
  const made = signingKeyFromPem(pem);
  const keyName = rotatedCommandKeyName(made.id);
  if ((await provider.create(keyName, pem)) !== pem.trim()) throw new Error(`${provider.description} already holds another key named ${keyName}.`);
  const next = await keyOf({ id: made.id, keyName });
  await db().$transaction(async (tx) => {
    const facts = await lockedFacts(tx);
    refuseUnless("start", facts);
    const current = await keyOf(facts.current);
    const generation = facts.generation + 1;
    await tx.commandKey.create({ data: { id: next.id, keyName, publicKey: next.publicKeyPem, state: "next" } });
    await tx.commandKeyStatement.create({ data: { generation, token: await signStatement(current, generation, [current, next]) } });
    await appendAuditEvent(tx, {
      actor,
      action: "command_key.rotation_start",
      target: { type: "command_key", id: next.id },
      reason,
      before: { current: current.id, next: null },
      after: { current: current.id, next: next.id },
      details: { generation, keyName, provider: provider.description },
    });
  });
  forgetCommandKeyRing();
  return commandKeyStatus();
}

/**
 * Completes a rotation: the next key becomes current (it signs from now on)
 * and the old one is retired (agents are told to trust the new key only, by
 * a statement the new key signs). Commands signed with the old key and not
 * yet answered are signed again with the new one, after their signature is
 * checked, so that none in flight is refused and nothing the store was made
 * to hold gets signed. Refused while active agents have not confirmed the
 * next key, unless forced.
 */
export async function completeKeyRotation(actor: AuditActor, reason: string, force: boolean): Promise<CommandKeyStatus> {
  await db().$transaction(async (tx) => {
    const facts = await lockedFacts(tx);
    refuseUnless("complete", facts, force);
    const old = await keyOf(facts.current);
    const next = await keyOf(facts.next!);
    const generation = facts.generation + 1;
    const unconfirmedAgents = unconfirmed(facts);
    // Retiring the old row first takes the lock issuing transactions hold FOR SHARE (currentSigningKeyIn).
    await tx.commandKey.update({ where: { id: old.id }, data: { state: "retired", retiredAt: new Date() } });
    await tx.commandKey.update({ where: { id: next.id }, data: { state: "current", activatedAt: new Date() } });
    await tx.commandKeyStatement.create({ data: { generation, token: await signStatement(next, generation, [next]) } });
    const resigned = await resignPendingCommands(tx, old, next);
    await appendAuditEvent(tx, {
      actor,
      action: "command_key.rotation_complete",
      target: { type: "command_key", id: next.id },
      reason,
      before: { current: old.id, next: next.id },
      after: { current: next.id, next: null, retired: old.id },
      details: { generation, resignedCommands: resigned, forced: force && unconfirmedAgents.length > 0, unconfirmedAgents },
    });
  });
  forgetCommandKeyRing();
  return commandKeyStatus();
}

/** Cancels a rotation: the next key is retired unused, and agents are told to trust the current key only. */
export async function cancelKeyRotation(actor: AuditActor, reason: string): Promise<CommandKeyStatus> {
  await db().$transaction(async (tx) => {
    const facts = await lockedFacts(tx);
    refuseUnless("cancel", facts);
    const current = await keyOf(facts.current);
    const generation = facts.generation + 1;
    await tx.commandKey.update({ where: { id: facts.next!.id }, data: { state: "retired", retiredAt: new Date() } });
    await tx.commandKeyStatement.create({ data: { generation, token: await signStatement(current, generation, [current]) } });
    await appendAuditEvent(tx, {
      actor,
      action: "command_key.rotation_cancel",
      target: { type: "command_key", id: facts.next!.id },
      reason,
      before: { current: current.id, next: facts.next!.id },
      after: { current: current.id, next: null, retired: facts.next!.id },
      details: { generation },
    });
  });
  forgetCommandKeyRing();
  return commandKeyStatus();
}

/** Re-signs the unanswered, unexpired commands `old` signed, each after checking that `old` really signed it. */
async function resignPendingCommands(tx: Tx, old: CommandSigningKey, next: CommandSigningKey): Promise<number> {
  const pending = await tx.agentCommand.findMany({ where: { status: { in: ["pending", "delivered"] }, expiresAt: { gt: new Date() } }, select: { id: true, token: true } });
  const oldPublicKey = createPublicKey(old.publicKeyPem);
  let resigned = 0;
  for (const command of pending) {
    let verified;
    try {
      verified = await jwtVerify(command.token, oldPublicKey, { algorithms: ["EdDSA"], issuer: "switchyard" });
    } catch {
      continue;
    }
    if (verified.protectedHeader.kid !== old.id) continue;
    const token = await new SignJWT(verified.payload).setProtectedHeader({ ...verified.protectedHeader, kid: next.id }).sign(next.privateKey);
    await tx.agentCommand.update({ where: { id: command.id }, data: { token } });
    resigned += 1;
  }
  return resigned;
}

function view(key: CommandKey): CommandKeyView {
  return {
    id: key.id,
    state: key.state as CommandKeyView["state"],
    publicKey: key.publicKey,
    createdAt: key.createdAt.toISOString(),
    activatedAt: key.activatedAt?.toISOString() ?? null,
    retiredAt: key.retiredAt?.toISOString() ?? null,
  };
}

/** The command keys, where a rotation stands, and which statement each active agent holds. */
export async function commandKeyStatus(): Promise<CommandKeyStatus> {
  await commandKeyRing();
  const facts = await db().$transaction(async (tx) => {
    const keys = await tx.commandKey.findMany({ orderBy: { createdAt: "desc" } });
    const newest = await tx.commandKeyStatement.aggregate({ _max: { generation: true } });
    const agents = await tx.agent.findMany({ where: ACTIVE_AGENT.where, select: { id: true, name: true, commandKeyGeneration: true }, orderBy: { name: "asc" } });
    return { keys, generation: newest._max.generation ?? 0, agents };
  });
  const current = facts.keys.find((key) => key.state === "current")!;
  const next = facts.keys.find((key) => key.state === "next") ?? null;
  return {
    current: view(current),
    next: next ? view(next) : null,
    retired: facts.keys.filter((key) => key.state === "retired").map(view),
    generation: facts.generation,
    agents: facts.agents.map((agent) => ({
      id: agent.id,
      name: agent.name,
      generation: agent.commandKeyGeneration,
      confirmed: holdsNewest(agent, facts.generation),
    })),
  };
}
