export interface RetryPolicy {
  attempts: number;
  backoffSeconds: number;
  backoffFactor: number;
}

/** Delay before attempt `next` (2, 3, …): backoffSeconds × factor^(next − 2). */
export function backoffMs(policy: RetryPolicy, next: number): number {
  return Math.round(policy.backoffSeconds * 1000 * policy.backoffFactor ** Math.max(0, next - 2));
}

export function mayRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.attempts;
}
