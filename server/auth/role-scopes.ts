import "server-only";
import type { Role } from "@/core/access/permissions";
import { SCOPABLE_ROLES, type ScopableRole, type ServiceScopes } from "@/core/access/service-scopes";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ValidationError } from "../errors";

/** What a user read needs to include for their limits. */
export const WITH_ROLE_SCOPES = { roleScopes: true } as const;

export function serviceScopesOf(rows: readonly { role: Role; serviceIds: string[] }[]): Partial<Record<ScopableRole, string[]>> {
  const scopes: Partial<Record<ScopableRole, string[]>> = {};
  for (const scopable of SCOPABLE_ROLES) {
    const row = rows.find((candidate) => candidate.role === scopable);
    if (row) scopes[scopable] = [...row.serviceIds].sort();
  }
  return scopes;
}

/**
 * Replaces a user's limits. Each limit must be of a role the user holds, and
 * a service it adds to the `current` limits must be live (a retired service
 * takes no runs, alerts or approvals, so a limit to it would allow nothing
 * while reading as if it did); one retired since it was added may stay.
 */
export async function writeRoleScopes(tx: Tx, userId: string, roles: readonly Role[], scopes: ServiceScopes, current: ServiceScopes = {}): Promise<void> {
  const entries = SCOPABLE_ROLES.flatMap((role) => (scopes[role] ? [[role, scopes[role]] as const] : []));
  for (const [role, serviceIds] of entries) {
    if (!roles.includes(role)) throw new ValidationError(`serviceScopes.${role}: the user would not hold the ${role} role; grant it in roles too`, `serviceScopes.${role}`);
    const added = serviceIds.filter((id) => !current[role]?.includes(id));
    const live = await tx.service.findMany({ where: { id: { in: added }, retiredAt: null }, select: { id: true } });
    const unknown = added.filter((id) => !live.some((service) => service.id === id));
    if (unknown.length > 0) {
      throw new ValidationError(`serviceScopes.${role}: no live service ${unknown.join(", ")}`, `serviceScopes.${role}`);
    }
  }
  await tx.roleScope.deleteMany({ where: { userId } });
  if (entries.length > 0) {
    await tx.roleScope.createMany({ data: entries.map(([role, serviceIds]) => ({ userId, role, serviceIds: [...serviceIds].sort() })) });
  }
}

/**
 * The limits a change leaves: the ones it names when it names any, otherwise
 * the current ones of roles the user still holds.
 */
export function limitsAfter(current: ServiceScopes, roles: readonly Role[], requested: ServiceScopes | undefined): ServiceScopes {
  if (requested) return requested;
  return Object.fromEntries(Object.entries(current).filter(([role]) => roles.includes(role as Role)));
}

/** The services a limit may name now, for the form that sets limits. */
export async function liveServiceIds(): Promise<string[]> {
  const services = await db().service.findMany({ where: { retiredAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  return services.map((service) => service.id);
}
