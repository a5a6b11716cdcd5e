import { decodeJwt, errors, jwtVerify, type JWSHeaderParameters } from "jose";
import { COMMAND_KEY_STATEMENT_TYPE, commandKeyStatementClaimsSchema, type CommandKeyStatementClaims } from "@/contracts/command-keys";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { ed25519PublicKeyPem } from "../config";
import type { CommandKey } from "./verify-command";

/** The keys an agent trusts, by id (the public key's fingerprint, which every token names in its `kid`). */
export interface CommandKeys {
  keyFor(id: string): CommandKey | undefined;
  readonly ids: readonly string[];
}

/** Why a token's signing key is not one to verify it with: no `kid`, or one the agent does not trust. */
export class UntrustedKeyError extends Error {
  override name = "UntrustedKeyError";
}

/**
 * For jose's jwtVerify: the trusted key a token's `kid` names. jose checks
 * the algorithm first, so an unsigned or HMAC token is refused as such
 * before its kid is looked at.
 */
export function trustedKeyFor(keys: CommandKeys, what: string): (header: JWSHeaderParameters) => CommandKey {
  return (header) => {
    const trusted = keys.ids.join(", ");
    if (typeof header.kid !== "string" || header.kid === "") throw new UntrustedKeyError(`the ${what} names no key id (kid); this agent trusts only ${trusted}`);
    const key = keys.keyFor(header.kid);
    if (!key) throw new UntrustedKeyError(`the ${what} is signed with key ${header.kid}, which this agent does not trust (unknown, or retired by a completed rotation); it trusts only ${trusted}`);
    return key;
  };
}

export type StatementVerdict = { kind: "apply"; claims: CommandKeyStatementClaims } | { kind: "stale"; generation: number } | { kind: "refuse"; reason: string };

/** The generation a statement claims, unverified: only to pass over one that is not newer (which acts on nothing). */
function claimedGeneration(token: string): number | null {
  try {
    const { generation } = decodeJwt(token);
    return typeof generation === "number" ? generation : null;
  } catch {
    return null;
  }
}

/**
 * Checks a key statement against the keys the agent trusts now: newer than
 * the generation it holds (an older one is passed over, so a replayed
 * statement changes nothing), an EdDSA signature by a trusted key named in
 * its kid, the statement type (no command or roster passes for one), the
 * issuer, and keys that are Ed25519 public keys whose ids are their
 * fingerprints.
 */
export async function verifyKeyStatement(token: string, keys: CommandKeys, generation: number): Promise<StatementVerdict> {
  const claimed = claimedGeneration(token);
  if (claimed !== null && claimed <= generation) return { kind: "stale", generation: claimed };
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, trustedKeyFor(keys, "key statement"), { algorithms: ["EdDSA"], issuer: "switchyard", typ: COMMAND_KEY_STATEMENT_TYPE }));
  } catch (error) {
    if (error instanceof UntrustedKeyError) return { kind: "refuse", reason: error.message };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { kind: "refuse", reason: "the key statement's signature does not verify against the key its kid names" };
    return { kind: "refuse", reason: `the key statement could not be verified: ${error instanceof Error ? error.message : String(error)}` };
  }
  const claims = commandKeyStatementClaimsSchema.safeParse(payload);
  if (!claims.success) return { kind: "refuse", reason: `the key statement's claims are invalid: ${claims.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}` };
  if (claims.data.generation <= generation) return { kind: "stale", generation: claims.data.generation };
  for (const key of claims.data.keys) {
    const pem = ed25519PublicKeyPem.safeParse(key.publicKey);
    if (!pem.success) return { kind: "refuse", reason: `the key statement lists ${key.id}, whose public key ${pem.error.issues[0]?.message ?? "is unusable"}` };
    const fingerprint = commandKeyFingerprint(key.publicKey);
    if (fingerprint !== key.id) return { kind: "refuse", reason: `the key statement lists a key under the id ${key.id}, but its fingerprint is ${fingerprint}` };
  }
  return { kind: "apply", claims: claims.data };
}
