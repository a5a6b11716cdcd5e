import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { db, type Db } from "../db/client";

const SECRET_NAME = "command-signing-key";

export interface CommandSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM, for agents' configs. */
  publicKeyPem: string;
}

// Per client, i.e. per store: the key belongs to the store it is kept in.
const keys = new WeakMap<Db, Promise<CommandSigningKey>>();

/**
 * The Ed25519 key that signs agent commands, created once and kept in the
 * store so that every control-plane copy signs with the same key and agents
 * need to trust only one public key.
 */
export function commandSigningKey(client: Db = db()): Promise<CommandSigningKey> {
  const cached = keys.get(client);
  if (cached) return cached;
  const loading = (async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const candidate = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await client.controlPlaneSecret.upsert({ where: { name: SECRET_NAME }, create: { name: SECRET_NAME, value: candidate }, update: {} });
    const stored = await client.controlPlaneSecret.findUniqueOrThrow({ where: { name: SECRET_NAME } });
    const key = createPrivateKey(stored.value);
    return { privateKey: key, publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }).toString() };
  })().catch((error: unknown) => {
    keys.delete(client);
    throw error;
  });
  keys.set(client, loading);
  return loading;
}
