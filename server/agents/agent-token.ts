import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** Agent tokens look different from people's API tokens, so neither can pass for the other. */
export const AGENT_TOKEN_PREFIX = "sya_";

export function hashAgentToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newAgentToken(): { secret: string; hash: string; prefix: string } {
  const secret = `${AGENT_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { secret, hash: hashAgentToken(secret), prefix: secret.slice(0, AGENT_TOKEN_PREFIX.length + 6) };
}
