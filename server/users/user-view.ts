import "server-only";
import type { UserView } from "@/contracts/users";
import { ROLE_GRANT_INCLUDE, roleGrantView, type RoleGrantRow } from "../accounts/role-grant-view";
import type { Prisma, User } from "../db/generated/client";

/** What a user view reads besides the user: the grants still waiting for a second admin. */
export function pendingGrantsInclude(now: Date) {
  return {
    grantsReceived: { where: { status: "pending", expiresAt: { gt: now } }, include: ROLE_GRANT_INCLUDE, orderBy: { createdAt: "asc" } },
  } satisfies Prisma.UserInclude;
}

export function userView(user: User & { grantsReceived: RoleGrantRow[] }, now: Date): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    pendingGrants: user.grantsReceived.map((grant) => roleGrantView(grant, now)),
  };
}

/** What the audit trail records of a user: never the password hash. */
export function auditedUser(user: User) {
  return { email: user.email, name: user.name, roles: user.roles, disabled: user.disabled };
}
