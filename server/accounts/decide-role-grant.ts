import "server-only";
import { decideRoleGrant, type GrantAction } from "@/core/access/role-grants";
import type { RoleGrantView } from "@/contracts/users";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { auditedUser } from "../auth/audited-user";
import { endSessions } from "../auth/end-sessions";
import { serviceScopesOf, WITH_ROLE_SCOPES, writeRoleScopes } from "../auth/role-scopes";
import { db } from "../db/client";
import { DomainError, NotFoundError } from "../errors";
import { grantedScopes, ROLE_GRANT_INCLUDE, roleGrantView } from "./role-grant-view";
import { secondPersonRefusalFor } from "./second-person";

/**
 * Approve or reject a grant of approver or admin. Under the grant's row lock
 * and then the user's, so two admins deciding at once are decided one after
 * the other. An approval applies the roles and their limits, ends the
 * user's sessions (they sign in again to use them) and is audited with the
 * roles before and after in the same transaction.
 */
export async function actOnRoleGrant(actor: UserActor, id: string, action: GrantAction, note?: string): Promise<RoleGrantView> {
  const audit = auditActorOf(actor);
  return db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ userId: string }[]>`SELECT "userId" FROM "RoleGrant" WHERE id = ${id} FOR UPDATE`;
    if (!locked) throw new NotFoundError(`No role grant with id ${id}.`);
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${locked.userId} FOR UPDATE`;
    const grant = await tx.roleGrant.findUniqueOrThrow({ where: { id }, include: { user: { include: WITH_ROLE_SCOPES } } });
    const now = new Date();
    const notSecondPerson = action.type === "approve" ? await secondPersonRefusalFor(tx, actor, grant.requesterId, now) : null;
    const current = { roles: grant.user.roles, serviceScopes: serviceScopesOf(grant.user.roleScopes) };
    const decision = decideRoleGrant(
      {
        status: grant.status,
        userId: grant.userId,
        requesterId: grant.requesterId,
        grant: { roles: grant.roles, serviceScopes: grantedScopes(grant) },
        expiresAt: grant.expiresAt,
        user: { email: grant.user.email, disabled: grant.user.disabled, ...current },
      },
      action,
      { userId: actor.userId, label: actor.email },
      notSecondPerson,
      now,
    );
    const common = { actor: audit, target: { type: "user", id: grant.userId } };

    switch (decision.outcome) {
      case "refuse":
        throw new DomainError(decision.status, decision.status === 403 ? "forbidden" : "conflict", `Refused: ${decision.sentence}.`);
      case "reject": {
        const reason = action.type === "reject" ? action.reason : null;
        await tx.roleGrant.update({ where: { id }, data: { status: "rejected", deciderId: actor.userId, decisionNote: reason, decidedAt: now } });
        await appendAuditEvent(tx, { ...common, action: "user.grant_reject", reason, details: { grantId: id, roles: grant.roles, sentence: decision.sentence } });
        break;
      }
      case "apply": {
        await tx.user.update({ where: { id: grant.userId }, data: { roles: [...decision.after.roles] } });
        await writeRoleScopes(tx, grant.userId, decision.after.roles, decision.after.serviceScopes, current.serviceScopes);
        const user = await tx.user.findUniqueOrThrow({ where: { id: grant.userId }, include: WITH_ROLE_SCOPES });
        await endSessions(tx, grant.userId, { tokens: false, revokedById: actor.userId, now });
        await tx.roleGrant.update({ where: { id }, data: { status: "applied", deciderId: actor.userId, decisionNote: note ?? null, decidedAt: now } });
        await appendAuditEvent(tx, {
          ...common,
          action: "user.grant_approve",
          reason: note ?? null,
          before: auditedUser(grant.user),
          after: auditedUser(user),
          details: { grantId: id, roles: grant.roles, requesterId: grant.requesterId, sentence: decision.sentence, sessionsEnded: true },
        });
      }
    }
    return roleGrantView(await tx.roleGrant.findUniqueOrThrow({ where: { id }, include: ROLE_GRANT_INCLUDE }), now);
  });
}
