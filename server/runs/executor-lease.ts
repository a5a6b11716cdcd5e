import "server-only";
import { acquireLease } from "../lease/lease";
import { LeaseLostError, type HeldLease } from "../lease/assert-lease";

export const EXECUTOR_LEASE = "run-executor";
export const EXECUTOR_LEASE_TTL_MS = 10_000;

/**
 * Renews the executor's lease after a call to the outside world (a hook, a
 * webhook) that may have taken longer than the lease lets a pass stand still:
 * the answer is then written under the same token instead of the lease lapsing
 * and the step being called again. Throws LeaseLostError when another copy
 * took the lease meanwhile (that copy decides the step again).
 */
export async function renewAfterCall(lease: HeldLease): Promise<void> {
  const grant = await acquireLease(lease.name, lease.holder, EXECUTOR_LEASE_TTL_MS);
  if (!grant.held || grant.token !== lease.token) throw new LeaseLostError(lease);
}
