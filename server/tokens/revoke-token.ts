import "server-only";
import { mayAnywhere } from "@/core/access/access";
import type { ApiTokenView } from "@/contracts/tokens";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { tokenView } from "./token-view";

/**
 * Revokes one's own token, or anyone's with `tokens:manage`. Through an API
 * token (without the admin scope) only that token itself: whoever finds a
 * leaked token can retire it, but not the owner's other tokens.
 */
export async function revokeToken(actor: UserActor, tokenId: string): Promise<ApiTokenView> {
  const managesTokens = mayAnywhere(actor, "tokens:manage");
  return db().$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: tokenId } });
    // Someone else's token is reported as missing, not forbidden, so that
    // token ids reveal nothing to those who may not manage them.
    if (!token || (token.userId !== actor.userId && !managesTokens)) {
      throw new NotFoundError(`No API token with id ${tokenId}.`);
    }
    if (actor.tokenId && token.id !== actor.tokenId && !managesTokens) {
      throw new ForbiddenError("An API token can revoke only itself; sign in to the console to revoke your other tokens.");
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
