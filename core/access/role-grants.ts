import type { Role } from "./permissions";
import { isScopableRole, SCOPABLE_ROLES, widenedRoles, type RoleGrants, type ServiceScopes } from "./service-scopes";

/**
 * Roles that can approve what others propose, or make people who can:
 * adding one to an account, or widening the services it holds it on, takes
 * a second admin (a grant), never one admin alone.
 */
export const PRIVILEGED_ROLES = ["approver", "admin"] as const satisfies readonly Role[];

export function isPrivileged(role: Role): boolean {
  return (PRIVILEGED_ROLES as readonly Role[]).includes(role);
}

/**
 * An admin asks for `requested` on an account holding `current`: what is
 * stored at once (every removal and narrowing, every role that is not
 * privileged) and what waits for another admin: each privileged role the
 * account does not hold, or holds on fewer services, with the limit asked
 * for (none: fleet-wide). Meanwhile a widened role keeps its current limit.
 */
export function splitRoleChange(current: RoleGrants, requested: RoleGrants): { now: RoleGrants; grant: RoleGrants } {
  const widened = widenedRoles(current, requested).filter(isPrivileged);
  const roles = requested.roles.filter((role) => !widened.includes(role) || current.roles.includes(role));
  const now: ServiceScopes = {};
  const granted: ServiceScopes = {};
  for (const role of SCOPABLE_ROLES) {
    // A limit asked for a role the account will not hold is passed on, for writeRoleScopes to refuse by name.
    const limit = widened.includes(role) ? (roles.includes(role) ? current.serviceScopes[role] : undefined) : requested.serviceScopes[role];
    if (limit) now[role] = limit;
    if (widened.includes(role) && requested.serviceScopes[role]) granted[role] = requested.serviceScopes[role];
  }
  return { now: { roles, serviceScopes: now }, grant: { roles: widened, serviceScopes: granted } };
}

/** The account once `grant` is applied to it: the roles added, each granted role on the services granted (none: fleet-wide). */
export function applyGrant(current: RoleGrants, grant: RoleGrants): RoleGrants {
  const serviceScopes: ServiceScopes = { ...current.serviceScopes };
  for (const role of grant.roles) {
    if (!isScopableRole(role)) continue;
    const limit = grant.serviceScopes[role];
    if (limit) serviceScopes[role] = limit;
    else delete serviceScopes[role];
  }
  return { roles: [...current.roles, ...grant.roles.filter((role) => !current.roles.includes(role))], serviceScopes };
}

/** How a grant reads: `approver on orders-db and admin`. */
export function describeGrant(grant: RoleGrants): string {
  return grant.roles.map((role) => (isScopableRole(role) && grant.serviceScopes[role] ? `${role} on ${grant.serviceScopes[role]!.join(", ")}` : role)).join(" and ");
}

export const GRANT_RULES = [
  { id: "grant-decided", status: 409, sentence: "A grant is decided once: approved, rejected or lapsed." },
  { id: "grant-expired", status: 409, sentence: "A grant nobody approved before its deadline lapses; ask for it again." },
  { id: "grant-requester", status: 403, sentence: "Two-person rule: the admin who asked for a grant cannot approve it; another admin must." },
  { id: "grant-self", status: 403, sentence: "Nobody approves a grant of roles to themselves." },
  { id: "grant-second-person", status: 403, sentence: "An admin who signs in with a password the requester chose, or whom the requester created, promoted or reset recently, is no second admin for them." },
  { id: "grant-disabled", status: 409, sentence: "A disabled account is granted nothing; enable it first." },
  { id: "grant-held", status: 409, sentence: "A grant of roles the account already holds has nothing left to do." },
] as const;

export type GrantRuleId = (typeof GRANT_RULES)[number]["id"];

export interface GrantState {
  status: "pending" | "applied" | "rejected";
  userId: string;
  requesterId: string | null;
  grant: RoleGrants;
  expiresAt: Date;
  /** The account as it is now. */
  user: { email: string; disabled: boolean } & RoleGrants;
}

export type GrantAction = { type: "approve" } | { type: "reject"; reason: string };

export type GrantDecision =
  | { outcome: "apply"; after: RoleGrants; sentence: string }
  | { outcome: "reject"; sentence: string }
  | { outcome: "refuse"; rule: GrantRuleId; status: 403 | 409; sentence: string };

function refuse(rule: GrantRuleId, detail: string): GrantDecision {
  const row = GRANT_RULES.find((candidate) => candidate.id === rule)!;
  return { outcome: "refuse", rule, status: row.status, sentence: `${detail} (${row.sentence})` };
}

/**
 * Approve or reject a pending grant. Any admin may reject (its requester
 * withdraws it that way); approval takes an admin other than the requester
 * and the grantee who is a second person for the requester (`notSecondPerson`,
 * from secondPersonRefusal, says why not).
 */
export function decideRoleGrant(state: GrantState, action: GrantAction, actor: { userId: string; label: string }, notSecondPerson: string | null, now: Date): GrantDecision {
  const what = describeGrant(state.grant);
  if (state.status !== "pending") return refuse("grant-decided", `the grant is ${state.status}`);
  if (now >= state.expiresAt) return refuse("grant-expired", `the grant lapsed at ${state.expiresAt.toISOString()}`);
  if (action.type === "reject") {
    const who = actor.userId === state.requesterId ? `${actor.label} withdrew` : `${actor.label} rejected`;
    return { outcome: "reject", sentence: `${who} the grant of ${what} to ${state.user.email}: ${action.reason}` };
  }
  if (actor.userId === state.requesterId) return refuse("grant-requester", `${actor.label} asked for this grant`);
  if (actor.userId === state.userId) return refuse("grant-self", `the grant is to ${actor.label}`);
  if (notSecondPerson) return refuse("grant-second-person", notSecondPerson);
  if (state.user.disabled) return refuse("grant-disabled", `${state.user.email} is disabled`);
  const after = applyGrant(state.user, state.grant);
  if (widenedRoles(state.user, after).length === 0) return refuse("grant-held", `${state.user.email} already holds ${what}`);
  return { outcome: "apply", after, sentence: `${actor.label} approved the grant of ${what} to ${state.user.email}` };
}
