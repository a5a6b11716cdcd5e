import "server-only";
import { sqlPool } from "../db/sql-pool";
import { bearerTokenOf } from "../request/bearer-token";
import { hashTokenSecret } from "../token-secret";
import { AGENT_TOKEN_PREFIX } from "./agent-token";

export interface AgentPrincipal {
  type: "agent";
  agentId: string;
  name: string;
  replicaId: string;
  serviceId: string;
  /** The witness key bound to it, and the last different one refused (bind-witness-key.ts); undefined when not read. */
  witnessKey?: string | null;
  refusedWitnessKey?: string | null;
}

/** The stored hash of the agent token a request bears; null when it bears none. */
export function agentTokenHash(request: Request): string | null {
  return agentTokenHashOf(request.headers.get("authorization"));
}

/** The same, from the Authorization header's value. */
export function agentTokenHashOf(authorization: string | null | undefined): string | null {
  const secret = bearerTokenOf(authorization);
  return secret?.startsWith(AGENT_TOKEN_PREFIX) ? hashTokenSecret(secret) : null;
}

/**
 * The agent behind a bearer token, unless the token is unknown or revoked.
 * On the ingest hot path, hence a prepared statement on the plain pool.
 */
export async function agentFromRequest(request: Request): Promise<AgentPrincipal | null> {
  const tokenHash = agentTokenHash(request);
  if (!tokenHash) return null;
  const { rows } = await sqlPool().query<{ id: string; name: string; replicaId: string; serviceId: string; witnessKey: string | null; refusedWitnessKey: string | null }>({
    name: "agent-by-token",
    text: `SELECT a.id, a.name, a."replicaId", r."serviceId", a."witnessKey", a."refusedWitnessKey" FROM "Agent" a JOIN "Replica" r ON r.id = a."replicaId"
            WHERE a."tokenHash" = $1 AND a."revokedAt" IS NULL`,
    values: [tokenHash],
  });
  const agent = rows[0];
  return agent ? { type: "agent", agentId: agent.id, name: agent.name, replicaId: agent.replicaId, serviceId: agent.serviceId, witnessKey: agent.witnessKey, refusedWitnessKey: agent.refusedWitnessKey } : null;
}
