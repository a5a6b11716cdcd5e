import "server-only";
import type { LapseToRecord } from "@/core/automation/lease-lapse";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import type { Tx } from "../db/transaction";

/**
 * Writes down, on the control plane's clock and once per grant, that a
 * primary's lease lapsed unrenewed: the audit trail then shows when the
 * primary stopped being allowed to write even if its agent, which fenced it
 * (or died with it), never comes back to say so. A renewal since the grant
 * the lapse was judged on makes it moot. Returns whether it was recorded.
 */
export async function recordLeaseLapse(tx: Tx, serviceId: string, lapse: LapseToRecord, actor: AuditActor, runId: string | null = null): Promise<boolean> {
  const recorded = await tx.$executeRaw`
    UPDATE "PrimaryLease" SET "lapseRecordedAt" = now()
     WHERE "replicaId" = ${lapse.replicaId} AND "lapseRecordedAt" IS NULL AND "renewedAt" = ${lapse.renewedAt}`;
  if (recorded === 0) return false;
  await appendAuditEvent(tx, {
    actor,
    action: "primary_lease.lapse",
    target: { type: "replica", id: lapse.replicaId },
    serviceId,
    runId,
    reason: lapse.sentence,
    before: { leaseHeld: true },
    after: { leaseHeld: false },
    details: { replica: lapse.replicaName, lastRenewedAt: lapse.renewedAt.toISOString(), leaseEndedAt: lapse.endedAt.toISOString() },
  });
  return true;
}
