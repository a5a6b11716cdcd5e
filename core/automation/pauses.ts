/** A pause longer than this is a policy change in disguise; those go through change requests. */
export const MAX_PAUSE_MS = 7 * 24 * 60 * 60 * 1000;

export interface StoredPause {
  reason: string;
  expiresAt: Date;
  endedAt: Date | null;
}

/** Why a requested expiry is refused, or null when it is in the future and at most 7 days away. */
export function pauseExpiryProblem(expiresAt: Date, now: Date): string | null {
  if (expiresAt <= now) return `expiresAt must be in the future (now is ${now.toISOString()})`;
  if (expiresAt.getTime() - now.getTime() > MAX_PAUSE_MS) return "expiresAt must be at most 7 days away";
  return null;
}

export function pauseInForce(pause: StoredPause, now: Date): boolean {
  return pause.endedAt === null && pause.expiresAt > now;
}

/**
 * The pause that holds a service back: of those in force (its own and the
 * global one), the one that ends last, since the service stays paused until then.
 */
export function governingPause<P extends StoredPause>(pauses: readonly P[], now: Date): P | null {
  return pauses.filter((pause) => pauseInForce(pause, now)).reduce<P | null>((last, pause) => (last === null || pause.expiresAt > last.expiresAt ? pause : last), null);
}
