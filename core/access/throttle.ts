/**
 * Failed-attempt throttling: after `maxFailures` failures within `windowMs`,
 * the key is locked for `lockMs`. Counting restarts once a window has passed.
 */
export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface ThrottleState {
  failures: number;
  windowStartsAt: Date;
  lockedUntil: Date | null;
}

/** Milliseconds the key stays locked from `now`, or 0. */
export function lockRemainingMs(state: ThrottleState | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil.getTime() - now.getTime());
}

export function afterFailure(state: ThrottleState | null, now: Date, limits: ThrottleLimits): ThrottleState {
  const windowOpen = state !== null && now.getTime() - state.windowStartsAt.getTime() < limits.windowMs;
  const failures = windowOpen ? state.failures + 1 : 1;
  const windowStartsAt = windowOpen ? state.windowStartsAt : now;
  const stillLocked = state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null;
  const lockedUntil = failures >= limits.maxFailures ? new Date(now.getTime() + limits.lockMs) : stillLocked;
  return { failures, windowStartsAt, lockedUntil };
}
