import { PERMISSION_GRANTS, type Permission, type Role } from "./permissions";

/**
 * What an API token may be used for, chosen when it is issued. A token acts
 * with the permissions its owner's roles grant *now* that one of its scopes
 * admits: taking a role from the owner narrows every token of theirs at once.
 */
export const TOKEN_SCOPES = ["read", "operate", "approve", "audit", "admin", "metrics"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** One sentence per scope, shown where tokens are issued and listed. */
export const TOKEN_SCOPE_SENTENCES: Record<TokenScope, string> = {
  read: "Read-only: the fleet, runbooks and runs, policies and change requests, and the owner's own tokens.",
  operate: "Act as an operator: start and control runs, acknowledge alerts, manage on-call schedules and escalation policies, pause automation and acknowledge failovers, apply emergency policy changes.",
  approve: "Act as an approver: approve or reject change requests, run approval steps, drills awaiting approval and emergency changes.",
  audit: "Read, export, verify and checkpoint the audit trail.",
  admin: "Act as an admin: users and roles, the topology, agents, policy proposals, everyone's tokens.",
  metrics: "Scrape this control plane's Prometheus metrics, and nothing else: the token a Prometheus server keeps in its configuration.",
};

/** Every scope that includes reading: all but `metrics`, which a scraper holds and which reads nothing else. */
const ANY_SCOPE: readonly TokenScope[] = ["read", "operate", "approve", "audit", "admin"];

/**
 * The scopes that admit each permission. Reading (and seeing or revoking
 * one's own tokens) comes with every scope but `metrics`; an empty row is never granted to
 * a token at all, so a token cannot mint tokens that outlive its revocation.
 */
export const PERMISSION_SCOPES = {
  "fleet:read": ANY_SCOPE,
  "runbooks:read": ANY_SCOPE,
  "policies:read": ANY_SCOPE,
  "tokens:own": ANY_SCOPE,
  "metrics:read": ["read", "metrics"],
  "runs:operate": ["operate"],
  "alerts:acknowledge": ["operate"],
  "oncall:manage": ["operate"],
  "alerts:silence": ["operate"],
  "incidents:manage": ["operate"],
  "automation:control": ["operate"],
  "policies:emergency": ["operate"],
  "runs:approve": ["approve"],
  "policies:approve": ["approve"],
  "audit:read": ["audit"],
  "policies:propose": ["admin"],
  "users:manage": ["admin"],
  "tokens:manage": ["admin"],
  "topology:manage": ["admin"],
  "agents:manage": ["admin"],
  "tokens:issue": [],
  // Credentials change in a signed-in session, with the current password.
  "account:own": [],
} as const satisfies Record<Permission, readonly TokenScope[]>;

export function scopeAdmits(scopes: readonly TokenScope[], permission: Permission): boolean {
  const admitted: readonly TokenScope[] = PERMISSION_SCOPES[permission];
  return scopes.some((scope) => admitted.includes(scope));
}

/**
 * The scopes that admit something the roles grant beyond reading (and
 * `read`, which every role has a use for): the scopes a token of theirs may
 * carry.
 */
export function scopesGrantedBy(roles: readonly Role[]): TokenScope[] {
  return TOKEN_SCOPES.filter(
    (scope) =>
      scope === "read" ||
      (Object.keys(PERMISSION_SCOPES) as Permission[]).some((permission) => {
        const admitted: readonly TokenScope[] = PERMISSION_SCOPES[permission];
        const granted: readonly Role[] = PERMISSION_GRANTS[permission];
        return admitted !== ANY_SCOPE && admitted.includes(scope) && roles.some((role) => granted.includes(role));
      }),
  );
}

/**
 * The requested scopes that would admit nothing the roles grant beyond
 * reading: refused at issue, so that a token never waits, unused, for its
 * owner to be given a role.
 */
export function scopesBeyondRoles(roles: readonly Role[], scopes: readonly TokenScope[]): TokenScope[] {
  const granted = scopesGrantedBy(roles);
  return scopes.filter((scope) => !granted.includes(scope));
}
