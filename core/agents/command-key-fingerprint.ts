import { createHash, createPublicKey } from "node:crypto";

/**
 * SHA-256 of a public key's SPKI DER, as colon-separated upper-case hex
 * pairs: what the console shows and the agent prints at enrollment, so a
 * person can tell the agent pinned the control plane's key and not another.
 */
export function commandKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
}
