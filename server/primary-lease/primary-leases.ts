import "server-only";
import type { GrantedLease } from "@/core/automation/primary-lease";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";

/**
 * A replica's self-fencing lease as the control plane last granted it, for
 * the automation and the run engine: another replica may be promoted only
 * once it has lapsed through the control plane and through its witnesses,
 * plus PRIMARY_LEASE_MARGIN_MS (core/automation/primary-lease.ts). Pass the
 * promotion's transaction, after its update of the service's row (the
 * epoch): renewals read that row FOR SHARE, so the lease read then is the
 * last one that can ever be granted before the promotion.
 */
export async function grantedLease(replicaId: string, client: Tx = db()): Promise<GrantedLease | null> {
  return client.primaryLease.findUnique({ where: { replicaId }, select: { renewedAt: true, periodMs: true, witnesses: true, lapseRecordedAt: true } });
}
