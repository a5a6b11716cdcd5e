import "server-only";
import type { UserView } from "@/contracts/users";
import { ROLE_GRANT_INCLUDE, roleGrantView, type RoleGrantRow } from "../accounts/role-grant-view";
import type { UserWithScopes } from "../auth/audited-user";
import { serviceScopesOf, WITH_ROLE_SCOPES } from "../auth/role-scopes";
import type { Prisma } from "../db/generated/client";

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
