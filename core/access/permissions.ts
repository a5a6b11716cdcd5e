/**
 * Who may do what. Every page, server action and API operation names one
 * permission; anything not granted here is denied.
 */
export const ROLES = ["viewer", "operator", "approver", "admin", "auditor"] as const;
export type Role = (typeof ROLES)[number];

const EVERY_ROLE: readonly Role[] = ROLES;

export const PERMISSION_GRANTS = {
  /** See services, regions, replicas and their health. */
  "fleet:read": EVERY_ROLE,
  /** Read a control-plane copy's Prometheus metrics (requests, ingest lag, leases, loops, run steps, the webhook outbox). */
  "metrics:read": EVERY_ROLE,
  /** See runbook definitions and runs. */
  "runbooks:read": EVERY_ROLE,
  /** Start runbook runs, confirm their manual steps, pause, resume or abort them. */
  "runs:operate": ["operator"],
  /** Acknowledge a pending or firing alert, with a note. */
  "alerts:acknowledge": ["operator"],
  /** Create and change on-call schedules, their overrides and escalation policies, and assign a service its policy. */
  "oncall:manage": ["operator"],
  /** Silence alerts (by service, rule and labels) with a reason and an expiry at most 30 days away, and expire a silence early. */
  "alerts:silence": ["operator"],
  /** Declare an incident, post its status updates, assign its commander and responders, and write its post-incident review. */
  "incidents:manage": ["operator"],
  /** Pause automatic failover (globally or per service) with a reason and an expiry, end a pause, and acknowledge a failover to lift its cooldown. */
  "automation:control": ["operator"],
  /** Approve or reject a run's approval step (never for a run one started). */
  "runs:approve": ["approver"],
  /** See policies and change requests. */
  "policies:read": EVERY_ROLE,
  /** Propose policy changes (change requests) and rebase one's own. */
  "policies:propose": ["admin"],
  /** Approve or reject change requests of policies and of the topology (never one's own), and review emergency changes. */
  "policies:approve": ["approver"],
  /** Apply an emergency policy change without approval (only ones that make automation more careful). */
  "policies:emergency": ["operator"],
  /** Read and verify the audit trail. */
  "audit:read": ["auditor", "admin"],
  /** Create users, assign roles (approver and admin with a second admin's approval), reset passwords, and approve or reject others' grants. */
  "users:manage": ["admin"],
  /** Change one's own password (with the current one). */
  "account:own": EVERY_ROLE,
  /** List one's own API tokens and revoke them. */
  "tokens:own": EVERY_ROLE,
  /** Issue an API token for oneself (from a signed-in session or with email and password, never with a token). */
  "tokens:issue": EVERY_ROLE,
  /** List and revoke anyone's API tokens. */
  "tokens:manage": ["admin"],
  /** Change the topology: add, change and retire regions, services, datasets and replicas (what can alter a failover becomes a change request); discover a running cluster's topology to propose one; name the public status page's components and the services behind each. */
  "topology:manage": ["admin"],
  /** Register agents, rotate and revoke their tokens, and rotate the command key that signs their commands. */
  "agents:manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSION_GRANTS;

export const PERMISSIONS = Object.keys(PERMISSION_GRANTS) as Permission[];

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  const granted: readonly Role[] = PERMISSION_GRANTS[permission];
  return roles.some((role) => granted.includes(role));
}
