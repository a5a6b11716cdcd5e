import "server-only";
import type { AccountFacts } from "@/core/alerts/account-alert-rules";
import { PRIVILEGED_ROLES } from "@/core/access/role-grants";
import { accountSettings } from "../accounts/account-settings";
import { grantedScopes } from "../accounts/role-grant-view";
import { db } from "../db/client";

/**
 * Grants of approver or admin, and resets of approving accounts' passwords,
 * within the approval cool-off window, for enabled accounts that still hold
 * such a role. Two statements, bounded by the window.
 */
export async function gatherAccountFacts(now: Date): Promise<AccountFacts> {
  const { coolOffMs } = accountSettings();
  if (coolOffMs <= 0) return { coolOffMs, grants: [], resets: [] };
  const since = new Date(now.getTime() - coolOffMs);
  const privileged = { disabled: false, roles: { hasSome: [...PRIVILEGED_ROLES] } };
  const [grants, resets] = await Promise.all([
    db().roleGrant.findMany({
      where: { status: "applied", decidedAt: { gt: since }, user: privileged },
      include: { user: { select: { email: true } }, requester: { select: { email: true } }, decider: { select: { email: true } } },
      orderBy: { decidedAt: "asc" },
    }),
    db().user.findMany({ where: { ...privileged, passwordResetAt: { gt: since } }, select: { id: true, email: true, roles: true, passwordResetAt: true, passwordResetById: true } }),
  ]);
  const resetters = new Map(
    (await db().user.findMany({ where: { id: { in: resets.flatMap((user) => user.passwordResetById ?? []) } }, select: { id: true, email: true } })).map((user) => [user.id, user.email]),
  );
  return {
    coolOffMs,
    grants: grants.map((grant) => ({
      grantId: grant.id,
      userId: grant.userId,
      email: grant.user.email,
      roles: grant.roles,
      serviceScopes: grantedScopes(grant),
      at: grant.decidedAt!,
      requester: grant.requester?.email ?? null,
      decider: grant.decider?.email ?? null,
    })),
    resets: resets.map((user) => ({
      userId: user.id,
      email: user.email,
      roles: user.roles.filter((role) => (PRIVILEGED_ROLES as readonly string[]).includes(role)),
      at: user.passwordResetAt!,
      by: (user.passwordResetById && resetters.get(user.passwordResetById)) ?? "an admin",
    })),
  };
}
