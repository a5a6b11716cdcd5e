import type { AgentReport } from "@/contracts/agent-reports";

/** What an adapter measures on its replica: a report without seq, time and witness probes. */
export type ReplicaObservation = Omit<AgentReport, "seq" | "observedAt" | "peers">;

export interface EngineAdapter {
  readonly engine: AgentReport["engine"];
  /** Never throws for an unreachable or failing replica: that is an observation (reachable=false). */
  probe(): Promise<ReplicaObservation>;
  close(): Promise<void>;
}

export const NO_SETTINGS: ReplicaObservation["settings"] = {
  synchronous_commit: null,
  synchronous_standby_names: null,
  default_transaction_read_only: null,
  transaction_read_only: null,
};

/** A replica the agent could not query: only the reason is known. */
export function unreachableObservation(engine: AgentReport["engine"], error: string): ReplicaObservation {
  return {
    engine,
    reachable: false,
    error: error.slice(0, 1000),
    queryLatencyMs: null,
    role: null,
    timeline: null,
    lsn: { current: null, received: null, replayed: null },
    lag: { bytes: null, seconds: null },
    standbys: [],
    walReceiver: null,
    slots: [],
    conflicts: { recovery: 0, logical: 0 },
    settings: NO_SETTINGS,
  };
}
