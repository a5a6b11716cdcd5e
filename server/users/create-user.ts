import "server-only";
import { splitRoleChange } from "@/core/access/role-grants";
import type { CreateUserRequest, UserView } from "@/contracts/users";
import { requestRoleGrant } from "../accounts/request-role-grant";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { hashPassword } from "../auth/passwords";
import { db, type Db } from "../db/client";
import { ConflictError } from "../errors";
import { auditedUser, pendingGrantsInclude, userView } from "./user-view";

/**
 * Creates an account. Asked by a person, approver and admin are not given
 * at once: the account is created with its other roles and a grant of
 * those waits for a second admin. The system (the lab, the first start)
 * creates accounts with every role asked for.
 */
export async function createUser(request: CreateUserRequest, actor: AuditActor, client: Db = db(), now = new Date()): Promise<UserView> {
  const passwordHash = await hashPassword(request.password);
  const byPerson = actor.type === "user" && actor.id !== null;
  const { now: roles, grant } = byPerson ? splitRoleChange([], request.roles) : { now: request.roles, grant: [] };
  return client.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: request.email }, select: { id: true } });
    if (existing) throw new ConflictError(`A user with email ${request.email} already exists.`, "email");
    const user = await tx.user.create({
      data: { email: request.email, name: request.name ?? null, passwordHash, roles, createdById: byPerson ? actor.id : null },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "user.create",
      target: { type: "user", id: user.id },
      after: auditedUser(user),
      ...(grant.length ? { details: { awaitingGrant: grant } } : {}),
    });
    if (grant.length) {
      await requestRoleGrant(tx, { userId: user.id, email: user.email, roles: grant, requester: { ...actor, id: actor.id! }, reason: request.reason ?? null, now });
    }
    return userView(await tx.user.findUniqueOrThrow({ where: { id: user.id }, include: pendingGrantsInclude(now) }), now);
  });
}
