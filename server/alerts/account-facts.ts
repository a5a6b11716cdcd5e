import "server-only";
import type { Prisma } from "../db/generated/client";
import { BREAK_GLASS_ALERT_MS, type AccountFacts } from "@/core/alerts/account-alert-rules";
import { isPrivileged, PRIVILEGED_ROLES } from "@/core/access/role-grants";
import type { Role } from "@/core/access/permissions";
import { accountSettings } from "../auth/account-settings";
import { grantedScopes } from "../accounts/role-grant-view";
import { sqlPool } from "../db/sql-pool";

interface GrantRow {
  grantId: string;
  userId: string;
  email: string;
  roles: Role[];
  serviceScopes: Prisma.JsonValue;
  at: Date;
  requester: string | null;
  decider: string | null;
  issuer: string | null;
}

interface ResetRow {
  userId: string;
  email: string;
  roles: Role[];
  at: Date;
  by: string | null;
}

/** Applied grants in the window, with the three accounts each names, for enabled accounts still approver or admin. */
async function recentGrants(since: Date): Promise<GrantRow[]> {
  const { rows } = await sqlPool().query<GrantRow>({
    name: "account-facts-grants",
    text: `
      SELECT g.id AS "grantId", g."userId", u.email, g.roles::text[] AS roles, g."serviceScopes",
             g."decidedAt" AS at, rq.email AS requester, dc.email AS decider, g.issuer
        FROM "RoleGrant" g
        JOIN "User" u ON u.id = g."userId"
        LEFT JOIN "User" rq ON rq.id = g."requesterId"
        LEFT JOIN "User" dc ON dc.id = g."deciderId"
       WHERE g.status = 'applied' AND g."decidedAt" > $1
         AND NOT u.disabled AND u.roles::text[] && $2::text[]
       ORDER BY g."decidedAt"`,
    values: [since, [...PRIVILEGED_ROLES]],
  });
  return rows;
}

/** Password resets in the window of enabled accounts still approver or admin, with who reset them. */
async function recentResets(since: Date): Promise<ResetRow[]> {
  const { rows } = await sqlPool().query<ResetRow>({
    name: "account-facts-resets",
    text: `
      SELECT u.id AS "userId", u.email, u.roles::text[] AS roles, u."passwordResetAt" AS at, rs.email AS by
        FROM "User" u
        LEFT JOIN "User" rs ON rs.id = u."passwordResetById"
       WHERE NOT u.disabled AND u.roles::text[] && $2::text[] AND u."passwordResetAt" > $1
       ORDER BY u."passwordResetAt"`,
    values: [since, [...PRIVILEGED_ROLES]],
  });
  return rows;
}

/** Password sign-ins while single sign-on is configured (audited as auth.break_glass), newest last; the (action, at) index bounds the read. */
async function recentBreakGlass(since: Date): Promise<AccountFacts["breakGlass"]> {
  const { rows } = await sqlPool().query<AccountFacts["breakGlass"][number]>({
    name: "account-facts-break-glass",
    text: `
      SELECT seq::text AS "auditSeq", "actorLabel" AS email, at, "sourceIp" AS address
        FROM "AuditEvent"
       WHERE action = 'auth.break_glass' AND at > $1
       ORDER BY seq`,
    values: [since],
  });
  return rows;
}

/**
 * Grants of approver or admin, and resets of approving accounts' passwords,
 * within the approval cool-off window; break-glass sign-ins within a day.
 * Three statements, each bounded by its window, sent alongside the
 * evaluator's other reads.
 */
export async function gatherAccountFacts(now: Date): Promise<AccountFacts> {
  const { coolOffMs } = accountSettings();
  const since = new Date(now.getTime() - coolOffMs);
  const [grants, resets, breakGlass] = await Promise.all([
    coolOffMs > 0 ? recentGrants(since) : [],
    coolOffMs > 0 ? recentResets(since) : [],
    recentBreakGlass(new Date(now.getTime() - BREAK_GLASS_ALERT_MS)),
  ]);
  return {
    coolOffMs,
    breakGlass,
    grants: grants.map((grant) => ({ ...grant, serviceScopes: grantedScopes(grant) })),
    resets: resets.map((reset) => ({
      ...reset,
      roles: reset.roles.filter(isPrivileged),
      by: reset.by ?? "an admin",
    })),
  };
}
