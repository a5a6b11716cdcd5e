import "server-only";
import type { PasswordChanged } from "@/contracts/users";
import { appendAuditEvent, recordAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { db } from "../db/client";
import { ConflictError, DomainError } from "../errors";
import { endSessions } from "./end-sessions";

/**
 * A person changes their own password, proving the current one (a session
 * or token left open somewhere is not enough). Every session and API token
 * of theirs ends with it, this one included.
 */
export async function changeOwnPassword(actor: UserActor, request: { currentPassword: string; newPassword: string }, now = new Date()): Promise<PasswordChanged> {
  const user = await db().user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (user.passwordHash === null) throw new ConflictError("You sign in with single sign-on: your password is your identity provider's to change.");
  if (!(await verifyPassword(request.currentPassword, user.passwordHash))) {
    await recordAuditEvent({
      actor: auditActorOf(actor),
      action: "user.password_change",
      target: { type: "user", id: actor.userId },
      outcome: "failure",
      reason: "wrong_current_password",
    });
    throw new DomainError(403, "forbidden", "The current password is wrong.", "currentPassword");
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
