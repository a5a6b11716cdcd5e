import { PERMISSION_GRANTS, type Permission, type Role } from "./permissions";
import { PERMISSION_REACH, servicesOf, type ServiceScopes } from "./service-scopes";
import { PERMISSION_SCOPES, type TokenScope } from "./token-scopes";

/** Who asks, as the permission check sees them: their roles and limits as the store holds them now, and their token's scopes. */
export interface Principal {
  roles: readonly Role[];
  serviceScopes: ServiceScopes;
  /** The scopes of the API token the request came with; null for a signed-in session. */
  tokenScopes: readonly TokenScope[] | null;
}

/** Where an operation acts, as found from its input: one service, or the fleet as a whole. */
export type AccessTarget = { kind: "fleet" } | { kind: "service"; serviceId: string };

/**
 * The access rules, checked in this order; the first that decides gives its
 * id to the decision. Ids are stable: tests and messages refer to them.
 */
export const ACCESS_RULES = {
  "token-never": "A permission no token scope admits (issuing tokens) is refused to every API token, whatever its owner's roles.",
  "no-role": "A permission none of the caller's roles grants is refused.",
  "token-scope": "An API token is refused a permission none of its scopes admits, whatever its owner's roles.",
  "unlimited-permission": "Reading, and one's own tokens, are allowed fleet-wide by any role that grants them, limited to services or not.",
  "fleet-wide-role": "A role held fleet-wide allows its permissions on every service and on the fleet as a whole.",
  "limited-role": "A role limited to services allows its per-service permissions on those services only.",
  "fleet-wide-target": "A role limited to services never allows an operation on the fleet as a whole (a global pause, the global policy, the regions).",
  "other-service": "A role limited to services is refused an operation on any other service.",
} as const;
export type AccessRuleId = keyof typeof ACCESS_RULES;

/** What a principal may do with one permission before the operation's target is known. */
export type Access =
  | { kind: "denied"; rule: AccessRuleId; message: string }
  | { kind: "everywhere"; rule: AccessRuleId }
  | { kind: "services"; rule: "limited-role"; roles: readonly Role[]; serviceIds: readonly string[] };

function denied(rule: AccessRuleId, message: string): Access {
  return { kind: "denied", rule, message };
}

const list = (items: readonly string[]) => items.join(", ") || "none";

export function accessTo(principal: Principal, permission: Permission): Access {
  const { tokenScopes } = principal;
  const admitted: readonly TokenScope[] = PERMISSION_SCOPES[permission];
  if (tokenScopes !== null && admitted.length === 0) {
    return denied("token-never", `The permission ${permission} is never granted to an API token: sign in, or send email and password to POST /api/v1/auth/tokens.`);
  }
  const grantedBy: readonly Role[] = PERMISSION_GRANTS[permission];
  const roles = principal.roles.filter((role) => grantedBy.includes(role));
  if (roles.length === 0) return denied("no-role", `Your roles (${list(principal.roles)}) do not include the permission ${permission}.`);
  if (tokenScopes !== null && !tokenScopes.some((scope) => admitted.includes(scope))) {
    return denied("token-scope", `This token's scopes (${list(tokenScopes)}) do not admit the permission ${permission}; it needs a token with the scope ${admitted.join(" or ")}.`);
  }
  if (PERMISSION_REACH[permission] === "unlimited") return { kind: "everywhere", rule: "unlimited-permission" };
  const limits = roles.map((role) => servicesOf(principal, role));
  if (limits.some((services) => services === null)) return { kind: "everywhere", rule: "fleet-wide-role" };
  const serviceIds = [...new Set(limits.flatMap((services) => services ?? []))].sort();
  return { kind: "services", rule: "limited-role", roles, serviceIds };
}

/** The refusal of `access` on `target`, or null when it is allowed there. */
export function refusalOn(access: Access, target: AccessTarget, permission: Permission): { rule: AccessRuleId; message: string } | null {
  if (access.kind === "denied") return access;
  if (access.kind === "everywhere") return null;
  const limited = `Your ${access.roles.join(" and ")} role${access.roles.length === 1 ? " is" : "s are"} limited to the services ${list(access.serviceIds)}`;
  if (target.kind === "fleet") return { rule: "fleet-wide-target", message: `${limited}; ${permission} on the fleet as a whole needs the role fleet-wide.` };
  if (!access.serviceIds.includes(target.serviceId)) return { rule: "other-service", message: `${limited}; this acts on the service ${target.serviceId}.` };
  return null;
}

/** Whether `principal` may use `permission` on `target` (for pages and forms that know it). */
export function mayOn(principal: Principal, permission: Permission, target: AccessTarget): boolean {
  return refusalOn(accessTo(principal, permission), target, permission) === null;
}

/**
 * Where `principal` may use `permission`, as plain data a page hands to its
 * browser half, which shows a control only on what it may act on.
 */
export type Reach = { kind: "everywhere" } | { kind: "services"; serviceIds: readonly string[] } | { kind: "nowhere" };

export function reachOf(principal: Principal, permission: Permission): Reach {
  const access = accessTo(principal, permission);
  if (access.kind === "denied") return { kind: "nowhere" };
  if (access.kind === "everywhere") return { kind: "everywhere" };
  return { kind: "services", serviceIds: access.serviceIds };
}

/** Whether `reach` covers one service, or (null) the fleet as a whole, by the same rules as refusalOn. */
export function reaches(reach: Reach, serviceId: string | null): boolean {
  if (reach.kind !== "services") return reach.kind === "everywhere";
  return serviceId !== null && reach.serviceIds.includes(serviceId);
}

/** Whether `principal` may use `permission` anywhere at all (to show a page or a control). */
export function mayAnywhere(principal: Principal, permission: Permission): boolean {
  return accessTo(principal, permission).kind !== "denied";
}
