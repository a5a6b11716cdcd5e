import "server-only";
import { describeGrant } from "@/core/access/role-grants";
import type { RoleGrants } from "@/core/access/service-scopes";
import { appendAuditEvent, type AuditActor } from "../audit/append-audit-event";
import type { Tx } from "../db/transaction";
import { ConflictError } from "../errors";

/** How long a grant waits for a second admin before it lapses. */
export const GRANT_DEADLINE_HOURS = 72;

/**
 * Asks for approver or admin for a user (or either on more services), to be
 * applied when another admin approves. One grant of a role waits at a time. Inside the caller's
 * transaction, which holds the user's row lock.
 */
export async function requestRoleGrant(
  tx: Tx,
  input: { userId: string; email: string; grant: RoleGrants; requester: AuditActor & { id: string }; reason: string | null; now: Date },
): Promise<void> {
  const waiting = await tx.roleGrant.findFirst({
    where: { userId: input.userId, status: "pending", expiresAt: { gt: input.now }, roles: { hasSome: [...input.grant.roles] } },
    select: { id: true, roles: true },
  });
  if (waiting) {
    throw new ConflictError(`A grant of ${waiting.roles.join(" and ")} to ${input.email} (${waiting.id}) is already waiting for a second admin; approve or reject it first.`, "roles");
  }
  const grant = await tx.roleGrant.create({
    data: {
      userId: input.userId,
      roles: [...input.grant.roles],
      serviceScopes: input.grant.serviceScopes,
      reason: input.reason,
      requesterId: input.requester.id,
      expiresAt: new Date(input.now.getTime() + GRANT_DEADLINE_HOURS * 3_600_000),
    },
  });
  await appendAuditEvent(tx, {
    actor: input.requester,
    action: "user.grant_request",
    target: { type: "user", id: input.userId },
    reason: input.reason,
    details: {
      grantId: grant.id,
      roles: grant.roles,
      serviceScopes: input.grant.serviceScopes,
      expiresAt: grant.expiresAt.toISOString(),
      sentence: `${input.requester.label} asked for ${describeGrant(input.grant)} for ${input.email}; another admin must approve it`,
    },
  });
}
