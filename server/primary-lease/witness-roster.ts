import "server-only";
import { SignJWT } from "jose";
import { WITNESS_ROSTER_TYPE, type WitnessRosterClaims } from "@/contracts/witness-roster";
import type { AgentPrincipal } from "../agents/resolve-agent";
import type { CommandSigningKey } from "../commands/signing-key";
import type { Tx } from "../db/transaction";

export interface SignedRoster {
  /** The JWS the agent verifies. */
  token: string;
  /** The witnesses' replica names, as the automation reckons the lease with them. */
  names: string[];
}

/**
 * The witnesses whose vouches may keep this replica's lease, signed for its
 * agent: every other replica of the service in another region whose agent is
 * active and has bound a witness key. One entry per replica, so each agent
 * has one vote, and no one the control plane cannot name counts (design
 * rule 8: an agent's own list of witnesses would be a claim taken on trust).
 */
export async function signedWitnessRoster(tx: Tx, agent: AgentPrincipal, replicaName: string, epoch: number, key: CommandSigningKey): Promise<SignedRoster> {
  const rows = await tx.$queryRaw<{ replica: string; regionId: string; agent: string; key: string }[]>`
    SELECT w.name AS replica, w."regionId", a.name AS agent, a."witnessKey" AS key
      FROM "Replica" me
      JOIN "Replica" w ON w."serviceId" = me."serviceId" AND w.id <> me.id AND w."regionId" <> me."regionId" AND w."retiredAt" IS NULL
      JOIN "Agent" a ON a."replicaId" = w.id AND a."revokedAt" IS NULL AND a."witnessKey" IS NOT NULL
     WHERE me.id = ${agent.replicaId}
     ORDER BY w.name`;
  const claims: WitnessRosterClaims = { replica: replicaName, serviceId: agent.serviceId, epoch, witnesses: rows };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", typ: WITNESS_ROSTER_TYPE })
    .setIssuer("switchyard")
    .setAudience(agent.name)
    .setIssuedAt()
    .sign(key.privateKey);
  return { token, names: rows.map((row) => row.replica) };
}
