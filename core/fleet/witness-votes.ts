/** Who probed whom, from where: what a witness link must say of itself to be weighed. */
export interface WitnessVoteLink {
  fromReplicaId: string;
  fromRegionId: string;
  toReplicaId: string;
}

/** The replica a quorum is about. */
export interface VoteSubject {
  id: string;
  regionId: string;
}

/** The service's replicas, and whether each has an agent that may still speak for it. */
export interface VoterReplica {
  id: string;
  hasAgent: boolean;
}

interface Exclusion {
  id: string;
  sentence: string;
  excludes: (link: WitnessVoteLink, subject: VoteSubject, replicas: ReadonlyMap<string, VoterReplica>) => boolean;
}

/**
 * Why a witness link is no vote about a replica (design rule "claims-cross-checked": reachability
 * an agent claims is checked before a failover relies on it). Ids are stable.
 */
export const NOT_A_VOTE: readonly Exclusion[] = [
  {
    id: "own-replica",
    sentence: "an agent probing its own replica is not a witness of it",
    excludes: (link, subject) => link.fromReplicaId === subject.id,
  },
  {
    id: "other-service",
    sentence: "only the service's own replicas witness for it",
    excludes: (link, _subject, replicas) => !replicas.has(link.fromReplicaId),
  },
  {
    id: "no-active-agent",
    sentence: "a replica whose agent was revoked has nobody left to vouch for what its links say",
    excludes: (link, _subject, replicas) => replicas.get(link.fromReplicaId)?.hasAgent === false,
  },
  {
    id: "same-region",
    sentence: "a witness in the replica's own region shares its network, so it cannot tell the region cut off from the server down",
    excludes: (link, subject) => link.fromRegionId === subject.regionId,
  },
];

/** The links into `subject` that may vote about it: none of NOT_A_VOTE applies. */
export function votingLinks<L extends WitnessVoteLink>(links: readonly L[], subject: VoteSubject, replicas: readonly VoterReplica[]): L[] {
  const byId = new Map(replicas.map((replica) => [replica.id, replica]));
  return links.filter((link) => link.toReplicaId === subject.id && !NOT_A_VOTE.some((exclusion) => exclusion.excludes(link, subject, byId)));
}

/**
 * The votes some links carry: one per region. Witnesses in one region share
 * its network and fail together, and the policy's quorum is a number of
 * witness regions (core/policy/validate-policy.ts holds it to them).
 */
export function votes(links: readonly WitnessVoteLink[]): number {
  return new Set(links.map((link) => link.fromRegionId)).size;
}
