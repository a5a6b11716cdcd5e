import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { appendAuditEvent, SYSTEM_ACTOR } from "../audit/append-audit-event";
import { db, type Db } from "../db/client";
import type { Tx } from "../db/transaction";
import { FIRST_COMMAND_KEY } from "../keys/key-names";
import { keyProvider, loadOrCreateKey } from "../keys/key-provider";

export interface CommandSigningKey {
  /** The key's id, named in the `kid` of everything it signs: its fingerprint. */
  id: string;
  privateKey: KeyObject;
  /** SPKI PEM, for agents' configs. */
  publicKeyPem: string;
}

export interface CommandKeyRing {
  /** Signs commands and witness rosters. */
  current: CommandSigningKey;
  /** The key a rotation in progress distributes; it signs nothing but the rotation's completion. */
  next: CommandSigningKey | null;
  /** The newest key statement's generation (0 before the first rotation). */
  generation: number;
}

/** Another copy's rotation reaches this one's signing within this long; commands are checked in their transaction regardless. */
const RING_TTL_MS = 5_000;

export function newCommandKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export function signingKeyFromPem(pem: string): CommandSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`A command key must be Ed25519, not ${privateKey.asymmetricKeyType ?? "an unknown type"}.`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  return { id: commandKeyFingerprint(publicKeyPem), privateKey, publicKeyPem };
}

// By id, so that every caller holds the same object for the same key (witness-roster.ts caches by it).
const loadedKeys = new Map<string, Promise<CommandSigningKey>>();

/**
 * The private half of the store's command key `row`, from the key provider.
 * The store says which key name holds which key id, and the provider must
 * agree: a copy of the control plane with a key folder of its own would
 * otherwise sign with a key no agent trusts.
 */
export function keyOf(row: { id: string; keyName: string }): Promise<CommandSigningKey> {
  const cached = loadedKeys.get(row.id);
  if (cached) return cached;
  const loading = (async () => {
    const provider = keyProvider();
    const pem = await provider.read(row.keyName);
    if (pem === null) {
      throw new Error(
        `${provider.description} holds no key ${row.keyName}, the command key ${row.id} of this store; ` +
          "every control-plane copy on one store must share the key folder (SWITCHYARD_KEY_DIR) or the key command (SWITCHYARD_KEY_COMMAND).",
      );
    }
    const key = signingKeyFromPem(pem);
    if (key.id !== row.id) {
      throw new Error(
        `The key ${row.keyName} in ${provider.description} is ${key.id}, not the command key ${row.id} this store expects; ` +
          "every control-plane copy on one store must share the key folder (SWITCHYARD_KEY_DIR) or the key command (SWITCHYARD_KEY_COMMAND).",
      );
    }
    return key;
  })().catch((error: unknown) => {
    loadedKeys.delete(row.id);
    throw error;
  });
  loadedKeys.set(row.id, loading);
  return loading;
}

/**
 * The first command key: the one an earlier version kept in the store (moved
 * to the key provider before the migrations), else a new one. Recorded as
 * current once, audited; copies starting together agree through the
 * store's one-current-key index.
 */
async function createFirstKey(client: Db): Promise<void> {
  const key = signingKeyFromPem(await loadOrCreateKey(FIRST_COMMAND_KEY, newCommandKeyPem));
  await client.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO "CommandKey" (id, "keyName", "publicKey", state, "activatedAt")
      VALUES (${key.id}, ${FIRST_COMMAND_KEY}, ${key.publicKeyPem}, 'current', now())
      ON CONFLICT DO NOTHING`;
    if (inserted === 0) return;
    await appendAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "command_key.create",
      target: { type: "command_key", id: key.id },
      after: { id: key.id, state: "current", keyName: FIRST_COMMAND_KEY },
      details: { provider: keyProvider().description },
    });
  });
}

async function loadRing(client: Db): Promise<CommandKeyRing> {
  const read = () => client.commandKey.findMany({ where: { state: { in: ["current", "next"] } }, select: { id: true, keyName: true, state: true } });
  let rows = await read();
  if (!rows.some((row) => row.state === "current")) {
    await createFirstKey(client);
    rows = await read();
  }
  const currentRow = rows.find((row) => row.state === "current");
  if (!currentRow) throw new Error("The store names no current command key.");
  const nextRow = rows.find((row) => row.state === "next");
  const newest = await client.commandKeyStatement.aggregate({ _max: { generation: true } });
  return { current: await keyOf(currentRow), next: nextRow ? await keyOf(nextRow) : null, generation: newest._max.generation ?? 0 };
}

const rings = new WeakMap<Db, { loading: Promise<CommandKeyRing>; at: number }>();

/** The command keys in force, as this store records them, re-read every few seconds. */
export function commandKeyRing(client: Db = db()): Promise<CommandKeyRing> {
  const cached = rings.get(client);
  if (cached && Date.now() - cached.at < RING_TTL_MS) return cached.loading;
  const loading = loadRing(client).catch((error: unknown) => {
    rings.delete(client);
    throw error;
  });
  rings.set(client, { loading, at: Date.now() });
  return loading;
}

/** After a rotation step: this copy signs with what the store now says at once. */
export function forgetCommandKeyRing(client: Db = db()): void {
  rings.delete(client);
}

/** The Ed25519 key that signs agent commands and witness rosters now. */
export async function commandSigningKey(client: Db = db()): Promise<CommandSigningKey> {
  return (await commandKeyRing(client)).current;
}

/**
 * The current key inside a transaction that signs something it stores (a
 * command), locked FOR SHARE so that a rotation's completion waits for the
 * transaction (and then re-signs what it stored) or has already committed
 * (and the key read here is the new one). `hint` is the key the caller
 * loaded before its transaction, used when it is still current.
 */
export async function currentSigningKeyIn(tx: Tx, hint: CommandSigningKey): Promise<CommandSigningKey> {
  // Under READ COMMITTED a row the completion retired drops out of this read
  // when its lock is granted, and the new current row is only seen by a new statement.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await tx.$queryRaw<{ id: string; keyName: string }[]>`SELECT id, "keyName" FROM "CommandKey" WHERE state = 'current' FOR SHARE`;
    if (row) return row.id === hint.id ? hint : keyOf(row);
  }
  throw new Error("The store names no current command key.");
}
