import "server-only";
import { acquireLease } from "./lease";
import { type HeldLease, LeaseLostError } from "./assert-lease";

/** A held lease that a loop renews only as often as it must, between passes and through a long pass. */
export interface LeaseKeeper {
  lease: HeldLease;
  /** Renews the lease when a third of its time has gone since it was last granted; throws LeaseLostError if another copy has it. */
  keep(): Promise<void>;
  /** Marks the start of a pass, for `overran`. */
  beginPass(): void;
  /** Whether the pass has outlived the lease's period (and only went on because it renewed it). */
  overran(): boolean;
}

/**
 * Keeps a lease through passes that may outlast it. The renewal goes through
 * the same statement as taking the lease, so it fails once another copy took
 * it (the token then differs), and it is only made between pieces of work, so
 * a pass stuck on one piece lets the lease lapse and another copy take over.
 * Renewing only once a third of the period has gone spares the store a
 * committed write at every tick, and still leaves two renewals before the
 * lease could lapse.
 */
export function leaseKeeper(lease: HeldLease, ttlMs: number, grantedAt = performance.now()): LeaseKeeper {
  let renewedAt = grantedAt;
  let passStartedAt = grantedAt;
  return {
    lease,
    async keep() {
      if (performance.now() - renewedAt < ttlMs / 3) return;
      const grant = await acquireLease(lease.name, lease.holder, ttlMs);
      if (!grant.held || grant.token !== lease.token) throw new LeaseLostError(lease);
      renewedAt = performance.now();
    },
    beginPass() {
      passStartedAt = performance.now();
    },
    overran: () => performance.now() - passStartedAt > ttlMs,
  };
}
