import "server-only";
import type { Tx } from "../db/transaction";

/**
 * Ends every browser session of the user (their version moves on, so each
 * is refused at its next request) and, with `tokens`, revokes every API
 * token still in force. Inside the caller's transaction, so that the change
 * that called for it and its audit event happen with it or not at all.
 */
export async function endSessions(tx: Tx, userId: string, options: { tokens: boolean; revokedById: string | null; now: Date }): Promise<{ tokensRevoked: number }> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
  if (!options.tokens) return { tokensRevoked: 0 };
  const { count } = await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: options.now, revokedById: options.revokedById } });
  return { tokensRevoked: count };
}
