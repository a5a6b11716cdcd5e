import { randomBytes } from "node:crypto";
import { SESSION_SECRET_KEY } from "./key-names";
import { loadOrCreateKey } from "./key-provider";

/**
 * The secret next-auth signs and encrypts sessions with: NEXTAUTH_SECRET when
 * set (an operator's own, e.g. from their secret manager), else the key
 * provider's `session-secret`, made on first start.
 */
export async function sessionSecret(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  return loadOrCreateKey(SESSION_SECRET_KEY, () => randomBytes(32).toString("base64url"));
}
