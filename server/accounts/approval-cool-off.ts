import "server-only";
import { coolOffRefusal } from "@/core/access/approval-cool-off";
import type { UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ForbiddenError } from "../errors";
import { accountSettings } from "./account-settings";

/**
 * Why `approver` may not approve what `requesterId` asked for (an account the
 * requester created, promoted or reset within the cool-off window), or null.
 */
export async function approvalCoolOff(client: Tx, approver: UserActor, requesterId: string | null, now: Date): Promise<string | null> {
  if (requesterId === null || requesterId === approver.userId) return null;
  const { coolOffMs } = accountSettings();
  if (coolOffMs <= 0) return null;
  const since = new Date(now.getTime() - coolOffMs);
  const [account, requester] = await Promise.all([
    client.user.findUniqueOrThrow({
      where: { id: approver.userId },
      select: {
        createdById: true,
        createdAt: true,
        passwordResetById: true,
        passwordResetAt: true,
        grantsReceived: { where: { status: "applied", decidedAt: { gt: since } }, select: { requesterId: true, deciderId: true, decidedAt: true, roles: true } },
      },
    }),
    client.user.findUnique({ where: { id: requesterId }, select: { email: true } }),
  ]);
  const grants = account.grantsReceived.map((grant) => ({ ...grant, decidedAt: grant.decidedAt! }));
  return coolOffRefusal({ id: approver.userId, label: approver.email }, { ...account, grants }, { id: requesterId, label: requester?.email ?? requesterId }, now, coolOffMs);
}

/** For approvals of change requests and of runs' approval steps: 403 with the sentence while the cool-off holds. */
export async function assertApprovalCounts(approver: UserActor, requesterId: string | null, now: Date, client: Tx = db()): Promise<void> {
  const refusal = await approvalCoolOff(client, approver, requesterId, now);
  if (refusal) throw new ForbiddenError(`Refused: ${refusal}.`);
}
