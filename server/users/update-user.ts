import "server-only";
import { splitRoleChange } from "@/core/access/role-grants";
import type { UpdateUserRequest, UserView } from "@/contracts/users";
import { endSessions } from "../accounts/end-sessions";
import { requestRoleGrant } from "../accounts/request-role-grant";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { auditedUser, pendingGrantsInclude, userView } from "./user-view";

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((role) => b.includes(role));

/**
 * Changes a user's name, roles or disabled flag. Approver and admin are not
 * added here: asking for them opens a grant another admin must approve
 * (every other change, removals included, applies at once). A change of
 * roles, or disabling, ends the user's sessions. Refuses the change that
 * would leave nobody able to administer Switchyard: the last active admin
 * cannot lose the role or be disabled.
 */
export async function updateUser(actor: UserActor, userId: string, request: UpdateUserRequest, now = new Date()): Promise<UserView> {
  return db().$transaction(async (tx) => {
    // Serialises admin changes so two concurrent demotions cannot both pass
    // the last-admin check.
    await tx.$queryRaw`SELECT id FROM "User" WHERE 'admin' = ANY(roles) FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw new NotFoundError(`No user with id ${userId}.`);

    const { now: roles, grant } = request.roles ? splitRoleChange(before.roles, request.roles) : { now: before.roles, grant: [] };
    const disabled = request.disabled ?? before.disabled;
    const stopsBeingAdmin = before.roles.includes("admin") && !before.disabled && (!roles.includes("admin") || disabled);
    if (stopsBeingAdmin) {
      const otherAdmins = await tx.user.count({ where: { id: { not: userId }, roles: { has: "admin" }, disabled: false } });
      if (otherAdmins === 0) {
        throw new ConflictError(
          `${before.email} is the last active admin; make someone else admin first.`,
          request.roles ? "roles" : "disabled",
        );
      }
    }

    const user = await tx.user.update({
      where: { id: userId },
      data: { ...(request.name !== undefined ? { name: request.name } : {}), roles, disabled },
    });
    const rolesChanged = !sameRoles(before.roles, roles);
    const sessionsEnd = rolesChanged || (disabled && !before.disabled);
    if (sessionsEnd) await endSessions(tx, userId, { tokens: false, revokedById: actor.userId, now });
    // A request that only asks for a grant changes nothing here; the grant is audited on its own.
    const changed = rolesChanged || disabled !== before.disabled || user.name !== before.name;
    if (changed || grant.length === 0) {
      await appendAuditEvent(tx, {
        actor: auditActorOf(actor),
        action: "user.update",
        target: { type: "user", id: user.id },
        before: auditedUser(before),
        after: auditedUser(user),
        ...(sessionsEnd ? { details: { sessionsEnded: true } } : {}),
      });
    }
    if (grant.length) {
      await requestRoleGrant(tx, { userId, email: user.email, roles: grant, requester: { ...auditActorOf(actor), id: actor.userId }, reason: request.reason ?? null, now });
    }
    return userView(await tx.user.findUniqueOrThrow({ where: { id: userId }, include: pendingGrantsInclude(now) }), now);
  });
}
