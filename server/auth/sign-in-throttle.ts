import "server-only";
import { afterFailure, lockRemainingMs, type ThrottleLimits } from "@/core/access/throttle";
import { db } from "../db/client";
import { RateLimitedError } from "../errors";

const PER_EMAIL: ThrottleLimits = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
const PER_ADDRESS: ThrottleLimits = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

function keys(email: string, ip: string | null): [string, ThrottleLimits][] {
  const result: [string, ThrottleLimits][] = [[`email:${email}`, PER_EMAIL]];
  if (ip) result.push([`ip:${ip}`, PER_ADDRESS]);
  return result;
}

/** Refuses the attempt before any password is checked while a key is locked. */
export async function assertSignInAllowed(email: string, ip: string | null, now = new Date()): Promise<void> {
  const rows = await db().signInThrottle.findMany({ where: { key: { in: keys(email, ip).map(([key]) => key) } } });
  const remaining = Math.max(0, ...rows.map((row) => lockRemainingMs(row, now)));
  if (remaining > 0) {
    const minutes = Math.ceil(remaining / 60_000);
    throw new RateLimitedError(
      `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      Math.ceil(remaining / 1000),
    );
  }
}

export async function recordSignInFailure(email: string, ip: string | null, now = new Date()): Promise<void> {
  await db().$transaction(async (tx) => {
    for (const [key, limits] of keys(email, ip)) {
      // Row lock, so that concurrent failures from several control-plane
      // copies all count.
      await tx.$executeRaw`INSERT INTO "SignInThrottle" (key, failures, "windowStartsAt") VALUES (${key}, 0, ${now}) ON CONFLICT (key) DO NOTHING`;
      const [row] = await tx.$queryRaw<{ failures: number; windowStartsAt: Date; lockedUntil: Date | null }[]>`
        SELECT failures, "windowStartsAt", "lockedUntil" FROM "SignInThrottle" WHERE key = ${key} FOR UPDATE`;
      const next = afterFailure(row && row.failures > 0 ? row : null, now, limits);
      await tx.signInThrottle.update({ where: { key }, data: next });
    }
  });
}

export async function clearSignInFailures(email: string): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: `email:${email}` } });
}
