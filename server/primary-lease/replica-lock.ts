import "server-only";
import type { AgentPrincipal } from "../agents/resolve-agent";
import type { Tx } from "../db/transaction";

// Any constant works; it only has to be the same in every control-plane copy.
const REPLICA_AUDIT_LOCK = 0x5359_504c; // "SYPL"

/**
 * Serialises what one replica's lease requests audit, until the transaction
 * ends, so that retries answered by two control-plane copies audit it once.
 */
export async function lockReplicaAudits(tx: Tx, agent: AgentPrincipal): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REPLICA_AUDIT_LOCK}::int, hashtext(${agent.replicaId}))`;
}
