import "server-only";
import { sessionRefusal, type SessionClaims } from "@/core/access/session-validity";
import { accountSettings } from "./account-settings";
import { appendAuditEvent } from "../audit/append-audit-event";
import { db } from "../db/client";
import { endSessions } from "./end-sessions";

/** A session the store no longer stands behind; next-auth clears its cookie when its jwt callback throws this. */
export class SessionEndedError extends Error {
  constructor(sentence: string) {
    super(`session ended: ${sentence}`);
    this.name = "SessionEndedError";
  }
}

/** What a new session carries: the user's session version now, and when they signed in. */
export async function sessionClaimsAtSignIn(userId: string, now = new Date()): Promise<{ sv: number; signedInAt: number }> {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } });
  return { sv: user.sessionVersion, signedInAt: now.getTime() };
}

/** Why the session is refused, for a user as stored, or null while it stands. */
export function sessionRefusalFor(claims: SessionClaims, user: { sessionVersion: number; disabled: boolean }, now = new Date()): string | null {
  if (user.disabled) return "the account is disabled";
  return sessionRefusal(claims, user, now, accountSettings().sessionLifetimeMs)?.sentence ?? null;
}

/**
 * For next-auth's own session endpoint (`/api/auth/session`), which would
 * otherwise re-issue any cookie it can decrypt with a later expiry: a
 * session that no longer stands is not renewed.
 */
export async function assertSessionStands(claims: SessionClaims & { sub?: string }, now = new Date()): Promise<void> {
  const user = claims.sub ? await db().user.findUnique({ where: { id: claims.sub }, select: { sessionVersion: true, disabled: true } }) : null;
  const refusal = user ? sessionRefusalFor(claims, user, now) : "no such user";
  if (refusal) throw new SessionEndedError(refusal);
}

/**
 * Signing out ends every session of the user, so a copy of the cookie
 * (another tab, a stolen one) stops working with it. A session that had
 * already ended changes nothing.
 */
export async function endSessionsOnSignOut(claims: (SessionClaims & { sub?: string }) | null, now = new Date()): Promise<void> {
  if (!claims?.sub) return;
  const userId = claims.sub;
  await db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, sessionVersion: true, disabled: true } });
    if (!user || sessionRefusalFor(claims, user, now)) return;
    await endSessions(tx, userId, { tokens: false, revokedById: userId, now });
    await appendAuditEvent(tx, { actor: { type: "user", id: userId, label: user.email }, action: "auth.sign_out", target: { type: "user", id: userId }, details: { sessionsEnded: true } });
  });
}
