import "server-only";
import { acquireLease } from "./lease";
import { type HeldLease, LeaseLostError } from "./assert-lease";

/** A held lease that a long pass renews as it goes, and that says how often it had to. */
export interface LeaseKeeper {
  lease: HeldLease;
  /** Renews the lease when a third of its time has gone since it was last granted; throws LeaseLostError if another copy has it. */
  keep(): Promise<void>;
  /** Whether the pass has outlived the lease it started with (and only went on because it renewed it). */
  overran(): boolean;
}

/**
 * Keeps a lease through a pass that may outlast it. The renewal goes through
 * the same statement as taking the lease, so it fails once another copy took
 * it (the token then differs), and it is only made between pieces of work, so
 * a pass stuck on one piece lets the lease lapse and another copy take over.
 */
export function leaseKeeper(lease: HeldLease, ttlMs: number, grantedAt = performance.now()): LeaseKeeper {
  const startedAt = grantedAt;
  let renewedAt = grantedAt;
  return {
    lease,
    async keep() {
      if (performance.now() - renewedAt < ttlMs / 3) return;
      const grant = await acquireLease(lease.name, lease.holder, ttlMs);
      if (!grant.held || grant.token !== lease.token) throw new LeaseLostError(lease);
      renewedAt = performance.now();
    },
    overran: () => performance.now() - startedAt > ttlMs,
  };
}
