import "server-only";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { checkpointKeyId } from "@/core/audit/checkpoint";
import { loadOrCreateKeyFile } from "../keys/key-files";

export interface AuditCheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, for reviewers to verify checkpoints with. */
  publicKeyPem: string;
  keyId: string;
}

const loaded = new Map<string, AuditCheckpointKey>();

/**
 * The Ed25519 key that signs audit checkpoints, and only them: a key file of
 * its own (never the store, never the command-signing key), so that neither
 * a store reader nor a holder of the command key can make a checkpoint that
 * verifies.
 */
export function auditCheckpointKey(): AuditCheckpointKey {
  const pem = loadOrCreateKeyFile("audit-checkpoint", () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  const known = loaded.get(pem);
  if (known) return known;
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`The key file audit-checkpoint holds a ${privateKey.asymmetricKeyType} key; audit checkpoints are signed with Ed25519.`);
  const publicKey = createPublicKey(privateKey);
  const key = { privateKey, publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), keyId: checkpointKeyId(publicKey) };
  loaded.set(pem, key);
  return key;
}
