import { errors, jwtVerify } from "jose";
import { WITNESS_ROSTER_TYPE, witnessRosterClaimsSchema } from "@/contracts/witness-roster";
import { trustedKeyFor, UntrustedKeyError, type CommandKeys } from "../commands/key-statement";
import { witnessPublicKey, type RosterKey } from "./vouch";

export type RosterVerdict = { ok: true; roster: Map<string, RosterKey> } | { ok: false; reason: string };

/**
 * The witnesses a lease grant lists, once their roster checks out: signed by
 * a command key this agent trusts (named by its kid) as a roster (not any other token it signs),
 * addressed to this agent, made for this agent's replica. Entries in this
 * replica's own region are dropped, whatever the control plane said: they
 * share its fate and vouch for nothing.
 */
export async function verifyRoster(token: string, keys: CommandKeys, self: { agentName: string; replica: string; regionId: string }): Promise<RosterVerdict> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, trustedKeyFor(keys, "witness roster"), { algorithms: ["EdDSA"], issuer: "switchyard", audience: self.agentName, typ: WITNESS_ROSTER_TYPE }));
  } catch (error) {
    if (error instanceof UntrustedKeyError) return { ok: false, reason: error.message };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "the witness roster's signature does not verify against the control plane's key its kid names" };
    return { ok: false, reason: `the witness roster could not be verified: ${error instanceof Error ? error.message : String(error)}` };
  }
  const claims = witnessRosterClaimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, reason: `the witness roster's claims are invalid: ${claims.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}` };
  if (claims.data.replica !== self.replica) return { ok: false, reason: `the witness roster is for ${claims.data.replica}, not for ${self.replica}` };
  const roster = new Map<string, RosterKey>();
  for (const witness of claims.data.witnesses) {
    if (witness.regionId !== self.regionId && witness.replica !== self.replica) roster.set(witness.replica, { regionId: witness.regionId, key: witnessPublicKey(witness.key) });
  }
  return { ok: true, roster };
}
