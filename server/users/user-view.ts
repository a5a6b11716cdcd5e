import "server-only";
import type { UserView } from "@/contracts/users";
import { ROLE_GRANT_INCLUDE, roleGrantView, type RoleGrantRow } from "../accounts/role-grant-view";
import { serviceScopesOf, WITH_ROLE_SCOPES } from "../auth/role-scopes";
import type { Prisma, RoleScope, User } from "../db/generated/client";

/** A user read with their limits (`include: WITH_ROLE_SCOPES`). */
export type UserWithScopes = User & { roleScopes: RoleScope[] };

/** What a user view reads besides the user: their limits, and the grants still waiting for a second admin. */
export function userViewInclude(now: Date) {
  return {
    ...WITH_ROLE_SCOPES,
    grantsReceived: { where: { status: "pending", expiresAt: { gt: now } }, include: ROLE_GRANT_INCLUDE, orderBy: { createdAt: "asc" } },
  } satisfies Prisma.UserInclude;
}

export function userView(user: UserWithScopes & { grantsReceived: RoleGrantRow[] }, now: Date): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    serviceScopes: serviceScopesOf(user.roleScopes),
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    pendingGrants: user.grantsReceived.map((grant) => roleGrantView(grant, now)),
  };
}

/** What the audit trail records of a user: never the password hash. */
export function auditedUser(user: UserWithScopes) {
  return { email: user.email, name: user.name, roles: user.roles, serviceScopes: serviceScopesOf(user.roleScopes), disabled: user.disabled };
}
