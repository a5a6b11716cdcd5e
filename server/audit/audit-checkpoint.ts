import "server-only";
import type { ChainKeying } from "@/core/audit/chain";
import { signCheckpoint } from "@/core/audit/checkpoint";
import type { AuditCheckpointDocument, AuditCheckpointKeyDocument } from "@/contracts/audit-query";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { recordAuditEvent } from "./append-audit-event";
import { auditChainKeying } from "./chain-keying";
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

/**
 * The checkpoint is the event recording that it was taken: the head of the
 * chain at that moment, so it covers everything before it, including its own
 * issue. Signed with the audit checkpoint key, so a reviewer can show later
 * that the document came from this control plane and was not made up.
 */
export async function auditCheckpointAs(actor: UserActor): Promise<AuditCheckpointDocument> {
  const event = await recordAuditEvent({ actor: auditActorOf(actor), action: "audit.checkpoint", target: { type: "audit_chain", id: null } });
  return signedCheckpointAt(event, await auditChainKeying(db()));
}

/** The public half of the audit checkpoint key, for reviewers to verify checkpoints with. */
export function auditCheckpointPublicKey(): AuditCheckpointKeyDocument {
  const key = auditCheckpointKey();
  return { algorithm: "Ed25519", keyId: key.keyId, publicKey: key.publicKeyPem, fingerprint: commandKeyFingerprint(key.publicKeyPem) };
}
