import "server-only";
import { hasPermission } from "@/core/access/permissions";
import type { ApiTokenView } from "@/contracts/tokens";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import { tokenView } from "./token-view";

/** Revokes one's own token, or anyone's with `tokens:manage`. */
export async function revokeToken(actor: UserActor, tokenId: string): Promise<ApiTokenView> {
  return db().$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: tokenId } });
    // Someone else's token is reported as missing, not forbidden, so that
    // token ids reveal nothing to those who may not manage them.
    if (!token || (token.userId !== actor.userId && !hasPermission(actor.roles, "tokens:manage"))) {
      throw new NotFoundError(`No API token with id ${tokenId}.`);
    }
    if (token.revokedAt) throw new ConflictError(`API token ${token.prefix}… was already revoked.`);
    const revoked = await tx.apiToken.update({
      where: { id: tokenId },
      data: { revokedAt: new Date(), revokedById: actor.userId },
      include: { user: { select: { email: true } } },
    });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "token.revoke",
      target: { type: "api_token", id: tokenId },
      before: { revokedAt: null },
      after: { revokedAt: revoked.revokedAt, userId: revoked.userId, prefix: revoked.prefix },
    });
    return tokenView(revoked);
  });
}
