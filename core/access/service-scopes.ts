import type { Permission, Role } from "./permissions";

/** The roles an admin may limit to some services; the others always hold fleet-wide. */
export const SCOPABLE_ROLES = ["operator", "approver"] as const satisfies readonly Role[];
export type ScopableRole = (typeof SCOPABLE_ROLES)[number];

/** A user's roles limited to services: a role named here holds only on these services; a role not named holds fleet-wide. */
export type ServiceScopes = Partial<Record<ScopableRole, readonly string[]>>;

/** A user's roles with their limits: each grant is a role, fleet-wide or on some services. */
export interface RoleGrants {
  roles: readonly Role[];
  serviceScopes: ServiceScopes;
}

/**
 * Whether a role limited to services is limited for each permission.
 * `service`: the permission acts on one service (its runs, alerts,
 * automation, policy or change requests), so a limited role allows it only
 * on its services, and never on the fleet as a whole (a global pause, the
 * global policy). `unlimited`: reading and one's own tokens, which a limit
 * does not narrow.
 */
export const PERMISSION_REACH = {
  "fleet:read": "unlimited",
  "metrics:read": "unlimited",
  "runbooks:read": "unlimited",
  "policies:read": "unlimited",
  "tokens:own": "unlimited",
  "tokens:issue": "unlimited",
  "account:own": "unlimited",
  "runs:operate": "service",
  "alerts:acknowledge": "service",
  "oncall:manage": "service",
  "alerts:silence": "service",
  "incidents:manage": "service",
  "automation:control": "service",
  "policies:emergency": "service",
  "runs:approve": "service",
  "policies:approve": "service",
  "audit:read": "unlimited",
  "policies:propose": "unlimited",
  "users:manage": "unlimited",
  "tokens:manage": "unlimited",
  "topology:manage": "unlimited",
  "agents:manage": "unlimited",
} as const satisfies Record<Permission, "service" | "unlimited">;

/** The permissions whose operations must name the service they act on. */
export type PerServicePermission = { [P in Permission]: (typeof PERMISSION_REACH)[P] extends "service" ? P : never }[Permission];

export function isScopableRole(role: Role): role is ScopableRole {
  return (SCOPABLE_ROLES as readonly Role[]).includes(role);
}

/** The services a held role is limited to; null when it holds fleet-wide (or is not held). */
export function servicesOf(grants: RoleGrants, role: Role): readonly string[] | null {
  return isScopableRole(role) ? (grants.serviceScopes[role] ?? null) : null;
}

/**
 * The roles a change of grants widens: held afterwards and either not held
 * before, held before on fewer services, or a limit lifted. A change that
 * widens approver or admin is what a second admin must approve.
 */
export function widenedRoles(before: RoleGrants, after: RoleGrants): Role[] {
  return after.roles.filter((role) => {
    if (!before.roles.includes(role)) return true;
    const was = servicesOf(before, role);
    const now = servicesOf(after, role);
    if (was === null) return false;
    if (now === null) return true;
    return now.some((serviceId) => !was.includes(serviceId));
  });
}
