import "server-only";
import type { CreateUserRequest, UserView } from "@/contracts/users";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import { hashPassword } from "../auth/passwords";
import { db, type Db } from "../db/client";
import { ConflictError } from "../errors";
import { WITH_ROLE_SCOPES, writeRoleScopes } from "./role-scopes";
import { auditedUser, userView } from "./user-view";

export async function createUser(request: CreateUserRequest, actor: AuditActor, client: Db = db()): Promise<UserView> {
  const passwordHash = await hashPassword(request.password);
  return client.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: request.email }, select: { id: true } });
    if (existing) throw new ConflictError(`A user with email ${request.email} already exists.`, "email");
    const created = await tx.user.create({
      data: { email: request.email, name: request.name ?? null, passwordHash, roles: request.roles },
    });
    await writeRoleScopes(tx, created.id, request.roles, request.serviceScopes ?? {});
    const user = await tx.user.findUniqueOrThrow({ where: { id: created.id }, include: WITH_ROLE_SCOPES });
    await appendAuditEvent(tx, {
      actor,
      action: "user.create",
      target: { type: "user", id: user.id },
      after: auditedUser(user),
    });
    return userView(user);
  });
}
