import "server-only";
import type { AuditCheckpointDocument } from "@/contracts/audit-query";
import { recordAuditEvent } from "../audit/append-audit-event";
import { signedCheckpointAt } from "../audit/audit-checkpoint";
import { auditChainKeying } from "../audit/chain-keying";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";

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
