import { formatBytes } from "../format";
import { rpoProof } from "../replication/rpo-proof";
import { promotionBlockers, selectCandidate } from "../runbooks/select-candidate";
import type { AutomationReplica, AutomationSnapshot } from "./snapshot";

/** The standby automation would promote, or why none may be promoted without a person. */
export type CandidateChoice = { candidate: AutomationReplica; sentence: string } | { candidate: null; sentence: string };

/**
 * Once the primary is gone a standby's WAL receiver stops streaming, so
 * "streaming" means as last seen by either end: its own receiver, or the
 * primary's last list of standbys.
 */
function wasStreaming(replica: AutomationReplica): boolean {
  return replica.walReceiverStatus === "streaming" || replica.syncState !== null;
}

function refusals(snapshot: AutomationSnapshot, standbys: readonly AutomationReplica[], primary: AutomationReplica | undefined, strong: boolean): string[] {
  return standbys.flatMap((replica) => {
    const blockers = promotionBlockers(replica, snapshot.datasets);
    if (blockers.length) return blockers;
    if (!wasStreaming(replica)) return [`${replica.name} was not streaming when last seen`];
    if (strong && !rpoProof(replica, primary?.currentLsn ?? null)) return [`${replica.name} is not a synchronous standby with everything acknowledged`];
    if (replica.lagBytes === null) return [`${replica.name}'s lag is unknown`];
    if (replica.lagBytes > snapshot.policy.maxLagBytes) return [`${replica.name} lags ${formatBytes(replica.lagBytes)}, beyond ${formatBytes(snapshot.policy.maxLagBytes)}`];
    return [];
  });
}

/**
 * Candidate selection for automatic failover: only standbys that pass every
 * guard reach `selectCandidate` (least lag, then priority), so a lagging
 * async standby can never win over a safe sync one on a strong dataset.
 */
export function chooseCandidate(snapshot: AutomationSnapshot): CandidateChoice {
  const primary = snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId);
  const strong = snapshot.datasets.some((dataset) => dataset.consistency === "strong");
  const standbys = snapshot.replicas.filter((replica) => replica.id !== snapshot.writeReplicaId);
  const safe = standbys.filter((replica) => refusals(snapshot, [replica], primary, strong).length === 0);
  const candidate = selectCandidate(safe, snapshot.datasets);
  if (!candidate) {
    const why = refusals(snapshot, standbys, primary, strong);
    return { candidate: null, sentence: why.length ? why.join("; ") : "the service has no standby" };
  }
  const proof = rpoProof(candidate, primary?.currentLsn ?? null) ?? `${formatBytes(candidate.lagBytes ?? 0)} behind`;
  return { candidate, sentence: `${candidate.name} (${candidate.regionId}): ${proof}, priority ${candidate.promotionPriority}` };
}
