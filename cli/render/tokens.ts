import type { ApiTokenView } from "@/contracts/tokens";
import { ago, table, utc } from "../format";

function state(token: ApiTokenView, now: Date): string {
  if (token.revokedAt) return "revoked";
  return new Date(token.expiresAt) <= now ? "expired" : "active";
}

export function renderTokens(list: { tokens: ApiTokenView[] }, now: Date): string {
  if (!list.tokens.length) return "No API tokens.";
  const rows = list.tokens.map((token) => [
    token.id,
    token.name,
    `${token.prefix}…`,
    token.userEmail,
    token.scopes.join(","),
    utc(token.expiresAt),
    ago(token.lastUsedAt, now),
    state(token, now),
  ]);
  return table(["ID", "NAME", "TOKEN", "OWNER", "SCOPES", "EXPIRES (UTC)", "LAST USED", "STATE"], rows);
}

export function renderRevokedToken(token: ApiTokenView): string {
  return `Revoked ${token.name} (${token.prefix}…, scopes ${token.scopes.join(",")}) at ${utc(token.revokedAt)}.`;
}
