import "server-only";
import type { Tx } from "../db/transaction";

export interface HeldLease {
  name: string;
  holder: string;
  token: bigint;
}

export class LeaseLostError extends Error {
  constructor(lease: HeldLease) {
    super(`lease ${lease.name} (token ${lease.token}) is no longer held by ${lease.holder}`);
    this.name = "LeaseLostError";
  }
}

/**
 * The fencing check: inside the transaction that acts, the lease must still be
 * ours with the same token. A copy that lost its lease (paused, partitioned)
 * and then wakes up cannot act on stale authority; the row lock keeps the
 * lease from changing hands until this transaction ends.
 */
export async function assertLeaseHeld(tx: Tx, lease: HeldLease): Promise<void> {
  const rows = await tx.$queryRaw<{ held: number }[]>`
    SELECT 1 AS held FROM "Lease" WHERE name = ${lease.name} AND holder = ${lease.holder} AND token = ${lease.token} AND "expiresAt" > now() FOR SHARE`;
  if (rows.length === 0) throw new LeaseLostError(lease);
}
