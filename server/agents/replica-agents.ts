import "server-only";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import type { AgentView } from "@/contracts/agents";
import { commandSigningKey } from "../command-keys/signing-key";
import { db } from "../db/client";
import { agentView } from "./agent-view";

export interface ReplicaAgents {
  replicaId: string;
  replicaName: string;
  serviceId: string;
  regionId: string;
  /** The active agent, else the latest revoked one, else null (never enrolled). */
  agent: AgentView | null;
}

/** Every replica with its agent, and the command key's fingerprint, for Settings → Agents. */
export async function listReplicaAgents(): Promise<{ replicas: ReplicaAgents[]; commandKeyFingerprint: string }> {
  const [replicas, key] = await Promise.all([
    db().replica.findMany({
      where: { retiredAt: null },
      orderBy: [{ serviceId: "asc" }, { name: "asc" }],
      include: { agents: { orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }], take: 1 }, state: { select: { agentId: true, report: true } } },
    }),
    commandSigningKey(),
  ]);
  return {
    replicas: replicas.map((replica) => {
      const agent = replica.agents[0];
      return {
        replicaId: replica.id,
        replicaName: replica.name,
        serviceId: replica.serviceId,
        regionId: replica.regionId,
        agent: agent ? agentView({ ...agent, replica: { name: replica.name, serviceId: replica.serviceId, regionId: replica.regionId, state: replica.state } }) : null,
      };
    }),
    commandKeyFingerprint: commandKeyFingerprint(key.publicKeyPem),
  };
}
