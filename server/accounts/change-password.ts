import "server-only";
import type { PasswordChanged } from "@/contracts/users";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { checkCredentials } from "../auth/check-credentials";
import { endSessions } from "../auth/end-sessions";
import { hashPassword } from "../auth/passwords";
import { db } from "../db/client";
import { ConflictError, DomainError } from "../errors";

/**
 * A person changes their own password, proving the current one (a session
 * or token left open somewhere is not enough). The proof is checked like a
 * sign-in, under the same limits, so a stolen session cannot guess the
 * password any faster than a stranger. Every session and API token of theirs
 * ends with the change, this one included.
 */
export async function changeOwnPassword(actor: UserActor, request: { currentPassword: string; newPassword: string }, now = new Date()): Promise<PasswordChanged> {
  const user = await db().user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (user.passwordHash === null) throw new ConflictError("You sign in with single sign-on: your password is your identity provider's to change.");
  try {
    await checkCredentials({ email: user.email, password: request.currentPassword, ip: actor.ip, action: "user.password_change", rehash: false });
  } catch (error) {
    if (error instanceof DomainError && error.status === 401) throw new DomainError(403, "forbidden", "The current password is wrong.", "currentPassword");
    throw error;
  }
  const passwordHash = await hashPassword(request.newPassword);
  return db().$transaction(async (tx) => {
    // Only over the password that was checked: a change that won meanwhile is not overwritten.
    const { count } = await tx.user.updateMany({ where: { id: actor.userId, passwordHash: user.passwordHash }, data: { passwordHash, passwordChangedAt: now } });
    if (count === 0) throw new ConflictError("The password was changed meanwhile; sign in again with the new one.");
    const { tokensRevoked } = await endSessions(tx, actor.userId, { tokens: true, revokedById: actor.userId, now });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "user.password_change",
      target: { type: "user", id: actor.userId },
      details: { sessionsEnded: true, tokensRevoked },
    });
    return { sessionsEnded: true, tokensRevoked };
  });
}
