import "server-only";
import type { GrantedLease } from "@/core/replication/lease-lapse";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";

/**
 * A replica's self-fencing lease as the control plane last granted it, for
 * the automation and the run engine: another replica may be promoted only
 * once it has lapsed through the control plane and through its witnesses,
 * plus its margin (core/replication/lease-lapse.ts). Pass the
 * promotion's transaction, after its update of the service's row (the
 * epoch): a renewal writes its grant under a FOR SHARE lock of that row and
 * only at the epoch it decided on (renew-primary-lease.ts), so the lease read
 * then is the last one that can ever be granted before the promotion.
 */
export async function grantedLease(replicaId: string, client: Tx = db()): Promise<GrantedLease | null> {
  return client.primaryLease.findUnique({ where: { replicaId }, select: { renewedAt: true, periodMs: true, witnesses: true, lapseRecordedAt: true } });
}
