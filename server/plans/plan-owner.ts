import "server-only";
import { mayOn } from "@/core/access/access";
import type { UserActor } from "../auth/actor";
import { serviceScopesOf, WITH_ROLE_SCOPES } from "../auth/role-scopes";
import { db } from "../db/client";

/**
 * The person a plan acts for, as the store holds them now: each service's
 * run starts in their name, so a plan whose owner was disabled or lost the
 * right to operate runs fleet-wide starts nothing more (the reason, a string).
 */
export async function planOwner(userId: string): Promise<UserActor | string> {
  const user = await db().user.findUnique({ where: { id: userId }, include: WITH_ROLE_SCOPES });
  if (!user) return `the person who started the plan (${userId}) no longer exists`;
  if (user.disabled) return `${user.email}, who started the plan, is disabled`;
  const actor: UserActor = { type: "user", userId: user.id, email: user.email, name: user.name, roles: user.roles, serviceScopes: serviceScopesOf(user.roleScopes), tokenScopes: null, ip: null, via: "session" };
  if (!mayOn(actor, "runs:operate", { kind: "fleet" })) return `${user.email}, who started the plan, may no longer operate runs on every service`;
  return actor;
}
