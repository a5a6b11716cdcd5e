import "server-only";
import { SignJWT } from "jose";
import { WITNESS_ROSTER_TYPE, type WitnessRosterClaims } from "@/contracts/witness-roster";
import type { CommandSigningKey } from "../command-keys/signing-key";

// One entry per agent that renews; past this many the map is emptied rather than grown (agents come and go).
const MAX_CACHED = 20_000;
const signed = new Map<string, { key: CommandSigningKey; content: string; token: string }>();

/**
 * The witness roster (lease-facts.ts reads its witnesses) as the JWS its
 * agent verifies, signed with the command key. A primary renews once a
 * second and its roster rarely changes, so the token signed for the same
 * agent, key and claims is handed out again: the agent checks the signature,
 * type, issuer, audience and claims, never the time it was issued
 * (agents/primary-lease/witness-roster.ts), so a fresh signature of the same
 * claims would tell it nothing more.
 */
export async function signedWitnessRoster(agentName: string, claims: WitnessRosterClaims, key: CommandSigningKey): Promise<string> {
  const content = JSON.stringify(claims);
  const cached = signed.get(agentName);
  if (cached && cached.key === key && cached.content === content) return cached.token;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", typ: WITNESS_ROSTER_TYPE, kid: key.id })
    .setIssuer("switchyard")
    .setAudience(agentName)
    .setIssuedAt()
    .sign(key.privateKey);
  if (signed.size >= MAX_CACHED) signed.clear();
  signed.set(agentName, { key, content, token });
  return token;
}
