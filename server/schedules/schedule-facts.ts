import "server-only";
import type { MaintenanceWindow } from "@/contracts/policy";
import { mayOn } from "@/core/access/access";
import { serviceScopesOf, WITH_ROLE_SCOPES } from "../auth/role-scopes";
import { db } from "../db/client";
import { effectivePolicies } from "../policy/effective-policy";

/** The maintenance windows of the policy in force for the service (its own, or the global default's). */
export async function maintenanceWindowsOf(serviceId: string): Promise<MaintenanceWindow[]> {
  return (await effectivePolicies([serviceId])).get(serviceId)?.document.maintenanceWindows ?? [];
}

/**
 * Why the person who scheduled something may not start it on the service
 * now, as their account stands (disabled, roles or service limits changed
 * since); null when they may. A scheduled start acts as them.
 */
export async function personRefusal(userId: string | null, serviceId: string): Promise<string | null> {
  if (!userId) return "nobody is named as its starter";
  const user = await db().user.findUnique({ where: { id: userId }, include: WITH_ROLE_SCOPES });
  if (!user) return "the person who scheduled it no longer exists";
  if (user.disabled) return `${user.email}, who scheduled it, is disabled`;
  const principal = { roles: user.roles, serviceScopes: serviceScopesOf(user.roleScopes), tokenScopes: null };
  return mayOn(principal, "runs:operate", { kind: "service", serviceId }) ? null : `${user.email}, who scheduled it, may no longer operate runs on ${serviceId}`;
}
