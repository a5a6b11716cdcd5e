import { createHash } from "node:crypto";
import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import { canonicalJson } from "../audit/canonical-json";

export interface ReplicaEndpoint {
  name: string;
  regionId: string;
  engine: string;
  host: string;
  port: number;
  databaseName: string;
}

export interface RuntimeConfigInput {
  agentName: string;
  replica: ReplicaEndpoint;
  /** The service's other replicas. */
  peers: readonly ReplicaEndpoint[];
  /** The service's effective policy's heartbeat interval. */
  heartbeatIntervalSeconds: number;
}

/**
 * A witness probe may take two report intervals (a slow tick is skipped, not
 * piled up), but never so little that an ordinary cross-region connect fails
 * nor so long that a dead peer holds the agent's view of the others.
 */
export const PROBE_TIMEOUT_BOUNDS_MS = { min: 500, max: 10_000 } as const;

/**
 * What the control plane tells an agent to do, with a revision that changes
 * exactly when anything else does (a replica added, moved or removed, a new
 * heartbeat interval), so the agent applies a change once and only then.
 */
export function agentRuntimeConfig(input: RuntimeConfigInput): AgentRuntimeConfig {
  const intervalMs = Math.round(input.heartbeatIntervalSeconds * 1000);
  const { replica } = input;
  const content = {
    agentName: input.agentName,
    replica: { name: replica.name, regionId: replica.regionId, engine: replica.engine, host: replica.host, port: replica.port, database: replica.databaseName },
    peers: [...input.peers]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((peer) => ({ replica: peer.name, regionId: peer.regionId, host: peer.host, port: peer.port, database: peer.databaseName })),
    intervalMs,
    probeTimeoutMs: Math.min(PROBE_TIMEOUT_BOUNDS_MS.max, Math.max(PROBE_TIMEOUT_BOUNDS_MS.min, 2 * intervalMs)),
  };
  const revision = createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 16);
  return { revision, ...content };
}
