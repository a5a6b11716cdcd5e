import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { API_TOKEN_PREFIX } from "@/contracts/tokens";

/**
 * Tokens carry 256 random bits, so a fast hash is enough to store them: there
 * is nothing to brute-force, unlike a password.
 */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { secret, hash: hashTokenSecret(secret), prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6) };
}
