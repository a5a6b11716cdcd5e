import "server-only";
import { sign } from "node:crypto";
import type { AuditCheckpointDocument } from "@/contracts/audit-query";
import { canonicalJson } from "@/core/audit/canonical-json";
import { checkpointSigningForm, type AuditCheckpoint } from "@/core/audit/checkpoint";
import { auditActorOf, type UserActor } from "../auth/actor";
import { commandSigningKey } from "../commands/signing-key";
import { recordAuditEvent } from "./append-audit-event";

/**
 * The checkpoint is the event recording that it was taken: the head of the
 * chain at that moment, so it covers everything before it, including its own
 * issue. Signed with the control plane's key, so a reviewer can show later
 * that the document came from this store and was not made up afterwards.
 */
export async function auditCheckpointAs(actor: UserActor): Promise<AuditCheckpointDocument> {
  // Loaded first: loading may record the key's creation, which must not land after the checkpoint's own event.
  const { privateKey } = await commandSigningKey();
  const event = await recordAuditEvent({ actor: auditActorOf(actor), action: "audit.checkpoint", target: { type: "audit_chain", id: null } });
  const checkpoint: AuditCheckpoint = { seq: Number(event.seq), hash: event.hash, count: Number(event.seq), at: event.at.toISOString() };
  const signature = sign(null, Buffer.from(canonicalJson(checkpointSigningForm(checkpoint))), privateKey).toString("base64");
  return { ...checkpoint, signature };
}
