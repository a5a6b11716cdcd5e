import "server-only";
import type { RoleScope, User } from "../db/generated/client";
import { serviceScopesOf } from "./role-scopes";

/** A user read with their limits (`include: WITH_ROLE_SCOPES`). */
export type UserWithScopes = User & { roleScopes: RoleScope[] };

/** What the audit trail records of a user: never the password hash. */
export function auditedUser(user: UserWithScopes) {
  return { email: user.email, name: user.name, roles: user.roles, serviceScopes: serviceScopesOf(user.roleScopes), disabled: user.disabled };
}
