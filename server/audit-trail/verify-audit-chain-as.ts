import "server-only";
import type { AuditVerification } from "@/contracts/audit";
import { recordAuditEvent } from "../audit/append-audit-event";
import { verifyAuditChain, type KeptCheckpoint } from "../audit/verify-audit-chain";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";

/** Verifies the chain for a person and records that they did, with the result. */
export async function verifyAuditChainAs(actor: UserActor, checkpoint?: KeptCheckpoint): Promise<AuditVerification> {
  const result = await verifyAuditChain(db(), checkpoint);
  await recordAuditEvent({
    actor: auditActorOf(actor),
    action: "audit.verify",
    target: { type: "audit_chain", id: null },
    outcome: result.intact ? "success" : "failure",
    details: result,
  });
  return result;
}
