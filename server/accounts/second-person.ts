import "server-only";
import { secondPersonRefusal } from "@/core/access/second-person";
import { accountSettings } from "../auth/account-settings";
import type { UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ForbiddenError } from "../errors";

/**
 * Why `approver` is no second person for `requesterId` (it signs in with a
 * password the requester chose, or the requester created, promoted or reset
 * it within the cool-off window), or null.
 */
export async function secondPersonRefusalFor(client: Tx, approver: UserActor, requesterId: string | null, now: Date): Promise<string | null> {
  if (requesterId === null || requesterId === approver.userId) return null;
  const { coolOffMs } = accountSettings();
  const since = new Date(now.getTime() - coolOffMs);
  const [account, requester] = await Promise.all([
    client.user.findUniqueOrThrow({
      where: { id: approver.userId },
      select: {
        createdById: true,
        createdAt: true,
        passwordChangedAt: true,
        passwordResetById: true,
        passwordResetAt: true,
        grantsReceived: { where: { status: "applied", decidedAt: { gt: since } }, select: { requesterId: true, deciderId: true, decidedAt: true, roles: true } },
      },
    }),
    client.user.findUnique({ where: { id: requesterId }, select: { email: true } }),
  ]);
  const grants = account.grantsReceived.map((grant) => ({ ...grant, decidedAt: grant.decidedAt! }));
  return secondPersonRefusal({ id: approver.userId, label: approver.email }, { ...account, grants }, { id: requesterId, label: requester?.email ?? requesterId }, now, coolOffMs);
}

/** For approvals of change requests and of runs' approval steps: 403 with the sentence while the approver is no second person for the requester. */
export async function assertSecondPerson(approver: UserActor, requesterId: string | null, now: Date, client: Tx = db()): Promise<void> {
  const refusal = await secondPersonRefusalFor(client, approver, requesterId, now);
  if (refusal) throw new ForbiddenError(`Refused: ${refusal}.`);
}
