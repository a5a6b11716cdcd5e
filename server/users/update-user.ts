import "server-only";
import type { UpdateUserRequest, UserView } from "@/contracts/users";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { limitsAfter, serviceScopesOf, WITH_ROLE_SCOPES, writeRoleScopes } from "./role-scopes";
import { auditedUser, userView } from "./user-view";

/**
 * Changes a user's name, roles (with their limits to services) or disabled
 * flag. Refuses the change that would leave nobody able to administer Switchyard: the last active admin
 * cannot lose the role or be disabled.
 */
export async function updateUser(actor: UserActor, userId: string, request: UpdateUserRequest): Promise<UserView> {
  return db().$transaction(async (tx) => {
    // Serialises admin changes so two concurrent demotions cannot both pass
    // the last-admin check.
    await tx.$queryRaw`SELECT id FROM "User" WHERE 'admin' = ANY(roles) FOR UPDATE`;
    const before = await tx.user.findUnique({ where: { id: userId }, include: WITH_ROLE_SCOPES });
    if (!before) throw new NotFoundError(`No user with id ${userId}.`);

    const roles = request.roles ?? before.roles;
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

    await tx.user.update({
      where: { id: userId },
      data: { ...(request.name !== undefined ? { name: request.name } : {}), roles, disabled },
    });
    const limits = serviceScopesOf(before.roleScopes);
    await writeRoleScopes(tx, userId, roles, limitsAfter(limits, roles, request.serviceScopes), limits);
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: WITH_ROLE_SCOPES });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "user.update",
      target: { type: "user", id: user.id },
      before: auditedUser(before),
      after: auditedUser(user),
    });
    return userView(user);
  });
}
