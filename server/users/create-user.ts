import "server-only";
import { splitRoleChange } from "@/core/access/role-grants";
import type { CreateUserRequest, UserView } from "@/contracts/users";
import { requestRoleGrant } from "../accounts/request-role-grant";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { hashPassword } from "../auth/passwords";
import { auditedUser } from "../auth/audited-user";
import { WITH_ROLE_SCOPES, writeRoleScopes } from "../auth/role-scopes";
import { db, type Db } from "../db/client";
import { ConflictError } from "../errors";
import { userView, userViewInclude } from "./user-view";

/**
 * Creates an account. Asked by a person, approver and admin are not given
 * at once: the account is created with its other roles and a grant of
 * those waits for a second admin. The system (the lab, the first start)
 * creates accounts with every role asked for.
 */
export async function createUser(request: CreateUserRequest, actor: AuditActor, client: Db = db(), now = new Date()): Promise<UserView> {
  const passwordHash = await hashPassword(request.password);
  const byPerson = actor.type === "user" && actor.id !== null;
  const asked = { roles: request.roles, serviceScopes: request.serviceScopes ?? {} };
  const { now: granted, grant } = byPerson ? splitRoleChange({ roles: [], serviceScopes: {} }, asked) : { now: asked, grant: { roles: [], serviceScopes: {} } };
  return client.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: request.email }, select: { id: true } });
    if (existing) throw new ConflictError(`A user with email ${request.email} already exists.`, "email");
    const created = await tx.user.create({
      data: { email: request.email, name: request.name ?? null, passwordHash, roles: [...granted.roles], createdById: byPerson ? actor.id : null },
    });
    await writeRoleScopes(tx, created.id, granted.roles, granted.serviceScopes);
    const user = await tx.user.findUniqueOrThrow({ where: { id: created.id }, include: WITH_ROLE_SCOPES });
    await appendAuditEvent(tx, {
      actor,
      action: "user.create",
      target: { type: "user", id: user.id },
      after: auditedUser(user),
      ...(grant.roles.length ? { details: { awaitingGrant: grant } } : {}),
    });
    if (grant.roles.length) {
      await requestRoleGrant(tx, { userId: user.id, email: user.email, grant, requester: { ...actor, id: actor.id! }, reason: request.reason ?? null, now });
    }
    return userView(await tx.user.findUniqueOrThrow({ where: { id: user.id }, include: userViewInclude(now) }), now);
  });
}
