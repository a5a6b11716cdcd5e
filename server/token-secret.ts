import "server-only";
import { createHash, randomBytes } from "node:crypto";

/**
 * Tokens carry 256 random bits, so a fast hash is enough to store them: there
 * is nothing to brute-force, unlike a password.
 */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new secret starting with `prefix` (people's and agents' tokens differ), its hash, and the part shown to tell tokens apart. */
export function newTokenSecret(prefix: string): { secret: string; hash: string; prefix: string } {
  const secret = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { secret, hash: hashTokenSecret(secret), prefix: secret.slice(0, prefix.length + 6) };
}
