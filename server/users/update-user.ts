import "server-only";
import { splitRoleChange } from "@/core/access/role-grants";
import type { UpdateUserRequest, UserView } from "@/contracts/users";
import { requestRoleGrant } from "../accounts/request-role-grant";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { auditedUser } from "../auth/audited-user";
import { endSessions } from "../auth/end-sessions";
import { limitsAfter, serviceScopesOf, WITH_ROLE_SCOPES, writeRoleScopes } from "../auth/role-scopes";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { userView, userViewInclude } from "./user-view";

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Changes a user's name, roles (with their limits to services) or disabled
 * flag. Approver and admin are not added, nor widened to more services,
 * here: asking for that opens a grant another admin must approve (every
 * other change, removals and narrowings included, applies at once). A change
 * of roles or limits, or disabling, ends the user's sessions. Refuses the
 * change that would leave nobody able to administer Switchyard: the last
 * active admin cannot lose the role or be disabled.
 */
export async function updateUser(actor: UserActor, userId: string, request: UpdateUserRequest, now = new Date()): Promise<UserView> {
  return db().$transaction(async (tx) => {
    // Serialises admin changes so two concurrent demotions cannot both pass
    // the last-admin check.
    await tx.$queryRaw`SELECT id FROM "User" WHERE 'admin' = ANY(roles) FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const before = await tx.user.findUnique({ where: { id: userId }, include: WITH_ROLE_SCOPES });
    if (!before) throw new NotFoundError(`No user with id ${userId}.`);

    const current = { roles: before.roles, serviceScopes: serviceScopesOf(before.roleScopes) };
    const requestedRoles = request.roles ?? before.roles;
    const asked = { roles: requestedRoles, serviceScopes: limitsAfter(current.serviceScopes, requestedRoles, request.serviceScopes) };
    const { now: granted, grant } = splitRoleChange(current, asked);
    const disabled = request.disabled ?? before.disabled;
    const stopsBeingAdmin = before.roles.includes("admin") && !before.disabled && (!granted.roles.includes("admin") || disabled);
    if (stopsBeingAdmin) {
      const otherAdmins = await tx.user.count({ where: { id: { not: userId }, roles: { has: "admin" }, disabled: false } });
      if (otherAdmins === 0) {
        throw new ConflictError(
          `${before.email} is the last active admin; make someone else admin first.`,
          request.roles ? "roles" : "disabled",
        );
      }
    }

    await tx.user.update({
      where: { id: userId },
      data: { ...(request.name !== undefined ? { name: request.name } : {}), roles: [...granted.roles], disabled },
    });
    await writeRoleScopes(tx, userId, granted.roles, granted.serviceScopes, current.serviceScopes);
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: WITH_ROLE_SCOPES });
    const rolesChanged = !sameJson([...before.roles].sort(), [...user.roles].sort()) || !sameJson(current.serviceScopes, serviceScopesOf(user.roleScopes));
    const sessionsEnd = rolesChanged || (disabled && !before.disabled);
    if (sessionsEnd) await endSessions(tx, userId, { tokens: false, revokedById: actor.userId, now });
    // A request that only asks for a grant changes nothing here; the grant is audited on its own.
    const changed = rolesChanged || disabled !== before.disabled || user.name !== before.name;
    if (changed || grant.roles.length === 0) {
      await appendAuditEvent(tx, {
        actor: auditActorOf(actor),
        action: "user.update",
        target: { type: "user", id: user.id },
        before: auditedUser(before),
        after: auditedUser(user),
        ...(sessionsEnd ? { details: { sessionsEnded: true } } : {}),
      });
    }
    if (grant.roles.length) {
      await requestRoleGrant(tx, { userId, email: user.email, grant, requester: { ...auditActorOf(actor), id: actor.userId }, reason: request.reason ?? null, now });
    }
    return userView(await tx.user.findUniqueOrThrow({ where: { id: userId }, include: userViewInclude(now) }), now);
  });
}
