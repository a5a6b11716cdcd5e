/**
 * Who may hold a service's primary lease: the replica that should be primary
 * now. Pure, so every branch is tested without a store.
 */

export interface NamedReplica {
  id: string;
  name: string;
}

export interface GrantFacts {
  /** The replica whose agent asks. */
  replica: NamedReplica;
  /** What that agent just saw of its server. */
  observed: { role: "primary" | "standby"; readOnly: boolean };
  /** Where the write route points (Service.writeReplicaId). */
  writeReplica: NamedReplica | null;
  /**
   * The replica an active run of the service has issued its promote command
   * for (unless the agent refused it or it expired unseen), with the run.
   */
  promoting: { runId: string; target: NamedReplica } | null;
  /** When the service was retired: Switchyard vouches for no primary of it any more. */
  serviceRetiredAt: Date | null;
}

export type GrantDecision = { granted: true } | { granted: false; reason: string };

/**
 * Once an active run has issued its promotion, only its target may take
 * writes, even before the write route follows it: from that moment the old
 * primary must stay read-only whatever it did before (a fence the run
 * commanded may have been undone by a compensation, or never have reached
 * it). Otherwise the write route decides. A standby holds no lease: it takes
 * no writes, and a grant would let an agent unfence it.
 */
export function leaseGrant({ replica, observed, writeReplica, promoting, serviceRetiredAt }: GrantFacts): GrantDecision {
  if (serviceRetiredAt) return { granted: false, reason: `the service was retired at ${serviceRetiredAt.toISOString()}; Switchyard grants no lease for it` };
  if (observed.role === "standby") return { granted: false, reason: `${replica.name} is a standby; only a primary holds a lease` };
  if (promoting) {
    if (promoting.target.id === replica.id) return { granted: true };
    return { granted: false, reason: `run ${promoting.runId} has issued the promotion of ${promoting.target.name}; ${replica.name} must stay read-only` };
  }
  if (!writeReplica) return { granted: false, reason: `the service has no write route, so no replica may take writes` };
  if (writeReplica.id !== replica.id) return { granted: false, reason: `writes go to ${writeReplica.name}, not to ${replica.name}` };
  return { granted: true };
}
