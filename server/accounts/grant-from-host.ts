import type { Role } from "@/core/access/permissions";
import { applyGrant } from "@/core/access/role-grants";
import { widenedRoles } from "@/core/access/service-scopes";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditedUser } from "../auth/audited-user";
import { endSessions } from "../auth/end-sessions";
import { serviceScopesOf, WITH_ROLE_SCOPES, writeRoleScopes } from "../auth/role-scopes";
import type { Db } from "../db/client";

export const HOST_ACTOR = { type: "system", id: null, label: "host" } as const;

/**
 * Break-glass and bootstrap: roles given from the control plane's host
 * (`npm run accounts -- grant`), with no second admin, for a store that has
 * only one (or none left who can act). Whoever runs it already holds the
 * store, so it adds no power, only makes its use explicit: audited as the
 * host with its reason, it raises the grant alert like any other grant, and
 * the user's sessions end. A grant of these roles that was waiting is
 * applied by it.
 */
export async function grantFromHost(client: Db, input: { email: string; roles: Role[]; reason: string }, now = new Date()): Promise<{ roles: Role[]; added: Role[] }> {
  return client.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE email = ${input.email} FOR UPDATE`;
    if (!locked) throw new Error(`no user with email ${input.email}: create the account first (Settings → Users, or POST /api/v1/users)`);
    const before = await tx.user.findUniqueOrThrow({ where: { id: locked.id }, include: WITH_ROLE_SCOPES });
    const current = { roles: before.roles, serviceScopes: serviceScopesOf(before.roleScopes) };
    // The host grants fleet-wide: a role held on some services only is widened.
    const after = applyGrant(current, { roles: input.roles, serviceScopes: {} });
    const added = widenedRoles(current, after);
    if (added.length === 0) return { roles: before.roles, added };
    await tx.user.update({ where: { id: before.id }, data: { roles: [...after.roles] } });
    await writeRoleScopes(tx, before.id, after.roles, after.serviceScopes, current.serviceScopes);
    const user = await tx.user.findUniqueOrThrow({ where: { id: before.id }, include: WITH_ROLE_SCOPES });
    // A waiting grant the host's covers is applied, its requester kept (the second-person rule and the alert name them);
    // roles nobody asked for are recorded as the host's own grant.
    const pending = await tx.roleGrant.findMany({ where: { userId: user.id, status: "pending", roles: { hasSome: added } } });
    const waiting = pending.filter((grant) => grant.roles.every((role) => user.roles.includes(role)));
    await tx.roleGrant.updateMany({
      where: { id: { in: waiting.map((grant) => grant.id) } },
      data: { status: "applied", decidedAt: now, decisionNote: `granted from the host: ${input.reason}` },
    });
    const unasked = added.filter((role) => !waiting.some((grant) => grant.roles.includes(role)));
    const grant = unasked.length
      ? await tx.roleGrant.create({ data: { userId: user.id, roles: unasked, status: "applied", reason: input.reason, expiresAt: now, decidedAt: now } })
      : null;
    await endSessions(tx, user.id, { tokens: false, revokedById: null, now });
    await appendAuditEvent(tx, {
      actor: HOST_ACTOR,
      action: "user.grant_host",
      target: { type: "user", id: user.id },
      reason: input.reason,
      before: auditedUser(before),
      after: auditedUser(user),
      details: { roles: added, hostGrantId: grant?.id ?? null, appliedWaitingGrants: waiting.map((row) => row.id), sessionsEnded: true },
    });
    return { roles: user.roles, added };
  });
}
