import "server-only";
import type { UserView } from "@/contracts/users";
import type { User } from "../db/generated/client";

export function userView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
  };
}

/** What the audit trail records of a user: never the password hash. */
export function auditedUser(user: User) {
  return { email: user.email, name: user.name, roles: user.roles, disabled: user.disabled };
}
