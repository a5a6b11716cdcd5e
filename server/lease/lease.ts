import "server-only";
import { db } from "../db/client";
import { copySessionPid } from "./copy-session";

export interface LeaseGrant {
  held: boolean;
  /** Increases whenever the lease changes hands; actions carry it so a former holder is fenced out. */
  token: bigint;
}

/**
 * Takes or renews the named lease for `holder` until `ttlMs` from now, by the
 * store's clock (so control-plane copies with drifting clocks agree). Only one
 * holder at a time: another copy gets it once it has expired, or sooner once
 * the store session its holder's process keeps (copy-session.ts) has ended,
 * which is the store's word that the process died. Only a pid the store no
 * longer lists counts as gone: a pid the store reused keeps the lease to its
 * TTL, and pg_stat_activity lists every session's pid to every role.
 */
export async function acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant> {
  const pid = await copySessionPid();
  const rows = await db().$queryRaw<{ token: bigint }[]>`
    INSERT INTO "Lease" (name, holder, token, "expiresAt", "holderPid")
    VALUES (${name}, ${holder}, 1, now() + make_interval(secs => ${ttlMs / 1000}), ${pid})
    ON CONFLICT (name) DO UPDATE SET
      holder = EXCLUDED.holder,
      token = CASE WHEN "Lease".holder = EXCLUDED.holder THEN "Lease".token ELSE "Lease".token + 1 END,
      "expiresAt" = EXCLUDED."expiresAt",
      "holderPid" = EXCLUDED."holderPid"
    WHERE "Lease".holder = EXCLUDED.holder
       OR "Lease"."expiresAt" < now()
       OR ("Lease"."holderPid" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = "Lease"."holderPid"))
    RETURNING token`;
  const row = rows[0];
  return row ? { held: true, token: row.token } : { held: false, token: 0n };
}

/** Gives the lease up at once (on shutdown), so another copy need not wait for it to expire. */
export async function releaseLease(name: string, holder: string): Promise<void> {
  await db().$executeRaw`UPDATE "Lease" SET "expiresAt" = now() WHERE name = ${name} AND holder = ${holder}`;
}
