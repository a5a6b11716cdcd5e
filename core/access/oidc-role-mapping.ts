import { ROLES, type Role } from "./permissions";

/** Which Switchyard roles each value of the identity provider's role claim grants. */
export type OidcRoleMapping = ReadonlyMap<string, readonly Role[]>;

export class OidcRoleMappingError extends Error {}

function asRole(value: string, claimValue: string): Role {
  const role = ROLES.find((candidate) => candidate === value.trim());
  if (!role) throw new OidcRoleMappingError(`"${claimValue}" maps to "${value.trim()}", which is not a role (roles: ${ROLES.join(", ")})`);
  return role;
}

function add(mapping: Map<string, Role[]>, claimValue: string, roles: Role[]): void {
  const merged = new Set([...(mapping.get(claimValue) ?? []), ...roles]);
  mapping.set(claimValue, ROLES.filter((role) => merged.has(role)));
}

function parseJson(text: string): Map<string, Role[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OidcRoleMappingError("starts with { but is not JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new OidcRoleMappingError("must be a JSON object of claim value → role or roles");
  const mapping = new Map<string, Role[]>();
  for (const [claimValue, roles] of Object.entries(parsed)) {
    const list: unknown[] = Array.isArray(roles) ? roles : [roles];
    if (list.length === 0 || list.some((role) => typeof role !== "string")) throw new OidcRoleMappingError(`"${claimValue}" must map to a role name or a list of role names`);
    add(mapping, claimValue, (list as string[]).map((role) => asRole(role, claimValue)));
  }
  return mapping;
}

function parsePairs(text: string): Map<string, Role[]> {
  const mapping = new Map<string, Role[]>();
  for (const entry of text.split(/[,\n]/).map((part) => part.trim()).filter(Boolean)) {
    const eq = entry.lastIndexOf("=");
    const claimValue = entry.slice(0, eq).trim();
    if (eq <= 0 || !claimValue) throw new OidcRoleMappingError(`"${entry}" is not claim-value=role`);
    const roles = entry.slice(eq + 1).split("+").filter((role) => role.trim());
    if (roles.length === 0) throw new OidcRoleMappingError(`"${entry}" names no role`);
    add(mapping, claimValue, roles.map((role) => asRole(role, claimValue)));
  }
  return mapping;
}

/**
 * Reads `sre=operator, sre-leads=operator+approver, switchyard-admins=admin`
 * (the last `=` splits, so a claim value may contain one), or the same as a
 * JSON object (`{"sre": ["operator"]}`) for claim values with commas.
 */
export function parseOidcRoleMapping(text: string): OidcRoleMapping {
  const trimmed = text.trim();
  const mapping = trimmed.startsWith("{") ? parseJson(trimmed) : parsePairs(trimmed);
  if (mapping.size === 0) throw new OidcRoleMappingError("maps no claim value to a role");
  return mapping;
}

/**
 * The claim's value: a top-level claim of that exact name first (claim names
 * may contain dots, e.g. `https://example.com/groups`), else a dotted path
 * into nested claims (Keycloak's `realm_access.roles`).
 */
function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The roles the claims grant, in ROLES order; values the mapping does not name grant nothing. */
export function rolesFromClaims(claims: Readonly<Record<string, unknown>>, claimName: string, mapping: OidcRoleMapping): Role[] {
  const value = claimAt(claims, claimName);
  const values = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  const granted = new Set(values.flatMap((claimValue) => mapping.get(claimValue) ?? []));
  return ROLES.filter((role) => granted.has(role));
}
