import "server-only";
import type { ChainKeying } from "@/core/audit/chain";
import { signCheckpoint } from "@/core/audit/checkpoint";
import type { AuditCheckpointDocument, AuditCheckpointKeyDocument } from "@/contracts/audit-query";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { auditCheckpointKey } from "./checkpoint-key";

/** A checkpoint of the chain at `event`, signed with the audit checkpoint key. */
export function signedCheckpointAt(event: { seq: bigint; hash: string; at: Date }, keying: ChainKeying): AuditCheckpointDocument {
  const key = auditCheckpointKey();
  return signCheckpoint(
    { seq: Number(event.seq), hash: event.hash, count: Number(event.seq), at: event.at.toISOString(), keyedFromSeq: Number(keying.keyedFromSeq), chainKeyId: keying.key.id },
    key.privateKey,
    key.keyId,
  );
}

/** The public half of the audit checkpoint key, for reviewers to verify checkpoints with. */
export function auditCheckpointPublicKey(): AuditCheckpointKeyDocument {
  const key = auditCheckpointKey();
  return { algorithm: "Ed25519", keyId: key.keyId, publicKey: key.publicKeyPem, fingerprint: commandKeyFingerprint(key.publicKeyPem) };
}
