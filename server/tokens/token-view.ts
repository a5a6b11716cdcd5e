import "server-only";
import type { ApiTokenView } from "@/contracts/tokens";
import type { ApiToken, User } from "../db/generated/client";

export function tokenView(token: ApiToken & { user: Pick<User, "email"> }): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    userId: token.userId,
    userEmail: token.user.email,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    scopes: token.scopes,
    expiresAt: token.expiresAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}
