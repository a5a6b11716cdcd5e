import "server-only";
import { decode } from "next-auth/jwt";
import { API_TOKEN_PREFIX } from "@/contracts/tokens";
import { db } from "../db/client";
import { bearerToken } from "../request/bearer-token";
import { hashTokenSecret } from "../token-secret";
import { clientIp, type UserActor } from "./actor";
import { serviceScopesOf, WITH_ROLE_SCOPES } from "./role-scopes";
import { sessionRefusalFor } from "./session-claims";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

// Writing lastUsedAt on every call would turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

async function activeUser(userId: string) {
  const user = await db().user.findUnique({ where: { id: userId }, include: WITH_ROLE_SCOPES });
  return user && !user.disabled ? user : null;
}

export async function actorFromSessionToken(sessionToken: string | undefined, ip: string | null): Promise<UserActor | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!sessionToken || !secret) return null;
  const payload = await decode({ token: sessionToken, secret }).catch(() => null);
  if (!payload?.sub) return null;
  // Roles, the disabled flag and the session version are read from the store
  // on every request, so a change takes effect at once instead of when the
  // session expires.
  const user = await activeUser(payload.sub);
  if (!user || sessionRefusalFor(payload, user)) return null;
  return { type: "user", userId: user.id, email: user.email, name: user.name, roles: user.roles, serviceScopes: serviceScopesOf(user.roleScopes), tokenScopes: null, ip, via: "session" };
}

export async function actorFromBearerToken(secret: string, ip: string | null): Promise<UserActor | null> {
  if (!secret.startsWith(API_TOKEN_PREFIX)) return null;
  const token = await db().apiToken.findUnique({ where: { tokenHash: hashTokenSecret(secret) }, include: { user: { include: WITH_ROLE_SCOPES } } });
  const now = new Date();
  if (!token || token.revokedAt || token.expiresAt <= now || token.user.disabled) return null;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  const { user } = token;
  // The owner's roles and limits as they are now, narrowed by the token's scopes.
  const serviceScopes = serviceScopesOf(user.roleScopes);
  return { type: "user", userId: user.id, email: user.email, name: user.name, roles: user.roles, serviceScopes, tokenScopes: token.scopes, ip, via: "token", tokenId: token.id };
}

/**
 * The caller of an API request: a bearer token when an Authorization header
 * is present (and only then, so a bad token is never rescued by a cookie),
 * otherwise the browser session.
 */
export async function actorFromRequest(request: Request): Promise<UserActor | null> {
  const ip = clientIp(request.headers);
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const secret = bearerToken(request.headers);
    return secret ? actorFromBearerToken(secret, ip) : null;
  }
  const cookies = parseCookies(request.headers.get("cookie"));
  const sessionToken = SESSION_COOKIES.map((name) => cookies.get(name)).find(Boolean);
  return actorFromSessionToken(sessionToken, ip);
}
