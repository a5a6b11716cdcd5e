import "server-only";
import type { PasswordChanged } from "@/contracts/users";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { endSessions } from "../auth/end-sessions";
import { hashPassword } from "../auth/passwords";
import { db } from "../db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";

/**
 * An admin gives another person a new password (they forgot theirs, or it
 * leaked). Every session and API token of that person ends. The admin knows
 * the new password, so until the cool-off passes the account does not count
 * as a second person for the admin's own requests. An admin changes their own
 * password with the current one instead.
 */
export async function resetPassword(actor: UserActor, userId: string, request: { newPassword: string }, now = new Date()): Promise<PasswordChanged> {
  if (userId === actor.userId) throw new ForbiddenError("Change your own password under Settings → Account (POST /api/v1/account/password), with your current password.");
  const target = await db().user.findUnique({ where: { id: userId }, select: { id: true, email: true, oidcSubject: true } });
  if (!target) throw new NotFoundError(`No user with id ${userId}.`);
  // A single sign-on account has no password here (the store allows one or the other, never both).
  if (target.oidcSubject !== null) throw new ConflictError(`${target.email} signs in with single sign-on: its password is the identity provider's.`);
  const passwordHash = await hashPassword(request.newPassword);
  return db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordResetAt: now, passwordResetById: actor.userId } });
    const { tokensRevoked } = await endSessions(tx, userId, { tokens: true, revokedById: actor.userId, now });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "user.password_reset",
      target: { type: "user", id: userId },
      details: { email: target.email, sessionsEnded: true, tokensRevoked },
    });
    return { sessionsEnded: true, tokensRevoked };
  });
}
