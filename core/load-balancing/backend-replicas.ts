import type { AgentView } from "@/contracts/agents";
import type { ServiceDetail } from "@/contracts/services";
import type { BackendReplica } from "./haproxy-config";

/**
 * A service's replicas as load balancer backends: where clients reach each
 * server (its declared endpoint) and where its active agent serves health
 * checks (as its latest report says). A revoked agent's endpoint is not used:
 * it no longer speaks for the replica.
 */
export function backendReplicas(service: Pick<ServiceDetail, "replicas">, agents: readonly Pick<AgentView, "replicaId" | "revokedAt" | "health">[]): BackendReplica[] {
  return service.replicas.map((replica) => {
    const agent = agents.find((candidate) => candidate.replicaId === replica.id && candidate.revokedAt === null);
    return { name: replica.name, role: replica.role, host: replica.host, port: replica.port, health: agent?.health ?? null };
  });
}
