import { formatBytes, formatSeconds } from "../format";
import { synchronousReplication } from "../replication/synchronous-replication";

export const HEALTH_STATES = ["healthy", "degraded", "unhealthy", "stale", "unknown"] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** The latest report of a replica, as far as judging its health needs. */
export interface ReplicaObservation {
  receivedAt: Date;
  reachable: boolean;
  error: string | null;
  role: "primary" | "standby" | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  walReceiverStatus: string | null;
  synchronousStandbyNames: string | null;
  standbys: readonly { applicationName: string; state: string | null; syncState: string | null }[];
}

export interface HealthContext {
  now: Date;
  /** The policy's heartbeat interval × misses before unfit. */
  staleAfterMs: number;
  /** The policy's maximum lag for automatic failover. */
  maxLagBytes: number;
  /** The tightest non-zero RPO budget of the service's eventual datasets, if any. */
  rpoSeconds: number | null;
  /** What the topology says the replica is. */
  expectedRole: "primary" | "standby" | "witness";
}

export interface HealthVerdict {
  health: Health;
  /** Sentences an operator can act on, worst first. */
  reasons: string[];
}

/**
 * Judges one replica from its latest report. Data older than the staleness
 * window is never shown as current: such a replica is `stale`, whatever its
 * last report said.
 */
export function evaluateReplicaHealth(observation: ReplicaObservation | null, context: HealthContext): HealthVerdict {
  if (!observation) return { health: "unknown", reasons: ["no report received yet"] };

  const ageMs = context.now.getTime() - observation.receivedAt.getTime();
  if (ageMs > context.staleAfterMs) {
    return {
      health: "stale",
      reasons: [`last report ${formatSeconds(Math.round(ageMs / 1000))} ago (stale after ${formatSeconds(context.staleAfterMs / 1000)})`],
    };
  }
  if (!observation.reachable) {
    return { health: "unhealthy", reasons: [`the agent cannot reach the replica${observation.error ? `: ${observation.error}` : ""}`] };
  }

  const unhealthy: string[] = [];
  const degraded: string[] = [];
  if (observation.role === "primary" && context.expectedRole === "standby") {
    // A former primary that was not rejoined (refused for errant transactions, say) follows nothing: no standby to fail over to or read from.
    unhealthy.push("not following the primary: it reports itself as primary; the topology says standby");
  } else if (observation.role && context.expectedRole !== "witness" && observation.role !== context.expectedRole) {
    degraded.push(`reports itself as ${observation.role}; the topology says ${context.expectedRole}`);
  }
  if (observation.role === "standby") {
    if (observation.walReceiverStatus !== "streaming") {
      unhealthy.push(`not streaming from the primary (WAL receiver ${observation.walReceiverStatus ?? "absent"})`);
    }
    if (observation.lagBytes !== null && observation.lagBytes > context.maxLagBytes) {
      degraded.push(`lag ${formatBytes(observation.lagBytes)} exceeds the failover maximum ${formatBytes(context.maxLagBytes)}`);
    }
    if (context.rpoSeconds !== null && observation.lagSeconds !== null && observation.lagSeconds > context.rpoSeconds) {
      degraded.push(`lag ${formatSeconds(observation.lagSeconds)} exceeds the RPO budget ${formatSeconds(context.rpoSeconds)}`);
    }
  }
  if (observation.role === "primary" && observation.synchronousStandbyNames?.trim()) {
    const standbys = observation.standbys.map((standby) => ({ name: standby.applicationName, state: standby.state, syncState: standby.syncState }));
    const sync = synchronousReplication({ synchronousStandbyNames: observation.synchronousStandbyNames, standbys });
    if (sync.state === "short") {
      degraded.push(
        sync.confirming.length === 0
          ? "no synchronous standby connected: commits wait, RPO 0 is at risk"
          : `${sync.confirming.length} of the ${sync.needed} synchronous standbys synchronous_standby_names needs connected: commits wait, RPO 0 is at risk`,
      );
    }
  }

  if (unhealthy.length) return { health: "unhealthy", reasons: [...unhealthy, ...degraded] };
  if (degraded.length) return { health: "degraded", reasons: degraded };
  return { health: "healthy", reasons: [] };
}
