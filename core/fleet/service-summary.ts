import { countByHealth, worstHealth } from "./region-health";
import { HEALTH_STATES, type Health } from "./replica-health";
import { worstLag, type LagBudgets, type WorstLag } from "./worst-lag";

/** A replica of a service with its verdict and latest lag. */
export interface JudgedReplica {
  id: string;
  name: string;
  regionId: string;
  health: Health;
  reasons: readonly string[];
  lagBytes: number | null;
  lagSeconds: number | null;
}

export interface ServiceSummary {
  health: Health;
  replicas: Record<Health, number>;
  /** Replicas that are not healthy, worst first, each with its worst reason. */
  attention: { replicaId: string; replicaName: string; regionId: string; health: Health; reason: string }[];
  worstLag: WorstLag | null;
}

/** Health states worst first, in the order worstHealth ranks them, so there is one ranking. */
export const WORST_FIRST = [...HEALTH_STATES].sort((a, b) => (worstHealth([a, b]) === a ? -1 : 1));

/** What an SRE needs to see of a service at a glance: how unwell, where, and how far behind. */
export function serviceSummary(replicas: readonly JudgedReplica[], budgets: LagBudgets): ServiceSummary {
  const healths = replicas.map((replica) => replica.health);
  const attention = replicas
    .filter((replica) => replica.health !== "healthy")
    .sort((a, b) => WORST_FIRST.indexOf(a.health) - WORST_FIRST.indexOf(b.health) || a.name.localeCompare(b.name))
    .map((replica) => ({
      replicaId: replica.id,
      replicaName: replica.name,
      regionId: replica.regionId,
      health: replica.health,
      reason: replica.reasons[0] ?? replica.health,
    }));
  return {
    health: worstHealth(healths),
    replicas: countByHealth(healths),
    attention,
    worstLag: worstLag(
      replicas.map((replica) => ({
        replicaId: replica.id,
        replicaName: replica.name,
        lagBytes: replica.lagBytes,
        lagSeconds: replica.lagSeconds,
        stale: replica.health === "stale",
      })),
      budgets,
    ),
  };
}
