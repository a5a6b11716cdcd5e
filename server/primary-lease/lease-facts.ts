import "server-only";
import { policyDocumentSchema, type PolicyDocument } from "@/contracts/policy";
import type { RosterWitness } from "@/contracts/witness-roster";
import type { SelfFenceRecord } from "@/core/agents/self-fence-audit";
import type { GrantFacts } from "@/core/automation/primary-lease-grant";
import { agentTokenHash, type AgentPrincipal } from "../agents/resolve-agent";
import { sqlPool } from "../db/sql-pool";
import { GLOBAL_POLICY_SCOPE } from "../policy/effective-policy";

/** Everything a lease renewal decides on, as one statement read it. */
export interface LeaseFacts extends Omit<GrantFacts, "observed"> {
  /** The service's fencing epoch and write route as read: a grant is written only while both are still so. */
  epoch: number;
  writeReplicaId: string | null;
  /** The heartbeat of the policy in force for the service; null on a store never seeded. */
  heartbeat: PolicyDocument["heartbeat"] | null;
  /** The witnesses whose vouches may keep the lease (see witness-roster.ts), by replica name. */
  witnesses: RosterWitness[];
  /** The agent's own fence as last recorded, and how far it is audited (record-self-fence.ts); null before its first report of one. */
  selfFence: SelfFenceRecord | null;
}

/** The agent asking for its lease, authenticated by the statement that read the facts. */
export interface LeaseRequester extends AgentPrincipal {
  tokenHash: string;
  facts: LeaseFacts;
}

interface FactsRow {
  agentId: string;
  agentName: string;
  replicaId: string;
  replicaName: string;
  serviceId: string;
  epoch: number;
  writeReplicaId: string | null;
  writeName: string | null;
  retiredAt: Date | null;
  runId: string | null;
  targetId: string | null;
  targetName: string | null;
  heartbeat: unknown;
  selfFenceKnown: boolean;
  selfFencedAt: Date | null;
  fenceAuditedAt: Date | null;
  fenceAudited: boolean | null;
  unauditedChanges: number | null;
  witnesses: RosterWitness[];
}

/**
 * One round trip, the agent's authentication included: the agent by its
 * token (active only), its replica, the service's epoch, write route and
 * retirement, the replica an active run of the service has issued its
 * promote command for (unless the agent refused it or it expired unseen: a
 * promote that failed may still have promoted), the policy's heartbeat (the
 * service's own policy's version in force, else the global default's, as
 * effectivePolicies chooses), the witness roster (every other replica of the
 * service in another region whose agent is active and has bound a witness
 * key, one entry per replica, so each agent has one vote and no one the
 * control plane cannot name counts: design rule "claims-cross-checked") and the agent's own
 * fence. Read without locks: the write of a grant re-checks what the
 * decision relies on (renew-primary-lease.ts).
 */
const LEASE_FACTS = `
  SELECT a.id AS "agentId", a.name AS "agentName", me.id AS "replicaId", me.name AS "replicaName", s.id AS "serviceId",
         s.epoch, s."writeReplicaId", w.name AS "writeName", s."retiredAt",
         run.id AS "runId", target.id AS "targetId", target.name AS "targetName",
         (SELECT v.document -> 'heartbeat'
            FROM "Policy" p JOIN "PolicyVersion" v ON v."policyId" = p.id AND v.version = p."currentVersion"
           WHERE p."serviceId" = s.id OR p.scope = $2
           ORDER BY p."serviceId" IS NULL LIMIT 1) AS heartbeat,
         f."replicaId" IS NOT NULL AS "selfFenceKnown", f."fencedAt" AS "selfFencedAt", f."fenceAuditedAt", f."fenceAudited", f."unauditedChanges",
         (SELECT coalesce(json_agg(json_build_object('replica', wr.name, 'regionId', wr."regionId", 'agent', wa.name, 'key', wa."witnessKey") ORDER BY wr.name), '[]')
            FROM "Replica" wr JOIN "Agent" wa ON wa."replicaId" = wr.id AND wa."revokedAt" IS NULL AND wa."witnessKey" IS NOT NULL
           WHERE wr."serviceId" = s.id AND wr.id <> me.id AND wr."regionId" <> me."regionId" AND wr."retiredAt" IS NULL) AS witnesses
    FROM "Agent" a
    JOIN "Replica" me ON me.id = a."replicaId"
    JOIN "Service" s ON s.id = me."serviceId"
    LEFT JOIN "Replica" w ON w.id = s."writeReplicaId"
    LEFT JOIN "SelfFence" f ON f."replicaId" = me.id
    LEFT JOIN "Run" run ON run."activeForServiceId" = s.id
    LEFT JOIN LATERAL (
      SELECT r.id, r.name FROM "AgentCommand" c JOIN "Agent" ca ON ca.id = c."agentId" JOIN "Replica" r ON r.id = ca."replicaId"
       WHERE c."runId" = run.id AND c.kind = 'promote' AND c.status NOT IN ('refused', 'expired')
       ORDER BY c."createdAt" DESC LIMIT 1
    ) target ON true
   WHERE a."tokenHash" = $1 AND a."revokedAt" IS NULL`;

const heartbeatSchema = policyDocumentSchema.shape.heartbeat;

/** The requester behind an agent token's hash with its lease facts; null when the token is unknown or revoked. */
export async function readLeaseRequester(tokenHash: string): Promise<LeaseRequester | null> {
  const { rows } = await sqlPool().query<FactsRow>({ name: "lease-facts-by-token", text: LEASE_FACTS, values: [tokenHash, GLOBAL_POLICY_SCOPE] });
  const row = rows[0];
  if (!row) return null;
  const replica = { id: row.replicaId, name: row.replicaName };
  return {
    type: "agent",
    agentId: row.agentId,
    name: row.agentName,
    replicaId: row.replicaId,
    serviceId: row.serviceId,
    tokenHash,
    facts: {
      replica,
      epoch: row.epoch,
      writeReplicaId: row.writeReplicaId,
      writeReplica: row.writeReplicaId && row.writeName ? { id: row.writeReplicaId, name: row.writeName } : null,
      promoting: row.runId && row.targetId && row.targetName ? { runId: row.runId, target: { id: row.targetId, name: row.targetName } } : null,
      serviceRetiredAt: row.retiredAt,
      heartbeat: row.heartbeat === null ? null : heartbeatSchema.parse(row.heartbeat),
      witnesses: row.witnesses,
      selfFence: row.selfFenceKnown
        ? { fencedAt: row.selfFencedAt, fenceAuditedAt: row.fenceAuditedAt, fenceAudited: row.fenceAudited ?? false, unauditedChanges: row.unauditedChanges ?? 0 }
        : null,
    },
  };
}

/** For apiRoute: the lease route authenticates its agent in the statement that reads the facts. */
export async function leaseRequester(request: Request): Promise<LeaseRequester | null> {
  const tokenHash = agentTokenHash(request);
  return tokenHash ? readLeaseRequester(tokenHash) : null;
}
