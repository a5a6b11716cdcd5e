import type { DatasetSnapshot, ReplicaSnapshot } from "./snapshot";

/** The datasets' residency rules that a region breaks, as sentences (none: allowed). */
export function residencyViolations(replica: Pick<ReplicaSnapshot, "regionId" | "jurisdiction">, datasets: readonly DatasetSnapshot[]): string[] {
  return datasets.flatMap((dataset) => {
    const rule = dataset.residency;
    if (!rule) return [];
    if (!rule.jurisdictions.includes(replica.jurisdiction)) {
      return [`dataset ${dataset.name} may live only in ${rule.jurisdictions.join(", ")}; ${replica.regionId} is in ${replica.jurisdiction}`];
    }
    if (rule.regions.length && !rule.regions.includes(replica.regionId)) {
      return [`dataset ${dataset.name} may live only in ${rule.regions.join(", ")}; not in ${replica.regionId}`];
    }
    return [];
  });
}

/** Why a replica cannot be promoted (none: it can). */
export function promotionBlockers(replica: ReplicaSnapshot, datasets: readonly DatasetSnapshot[]): string[] {
  const blockers: string[] = [];
  if (replica.role !== "standby") blockers.push(`${replica.name} is a ${replica.role}, not a standby`);
  if (replica.noPromote) blockers.push(`${replica.name} is marked never to be promoted`);
  if (!replica.hasAgent) blockers.push(`${replica.name} has no agent to promote it`);
  if (replica.health === "stale" || replica.health === "unknown") blockers.push(`${replica.name}'s agent is not reporting (${replica.health})`);
  if (replica.reachable === false) blockers.push(`${replica.name}'s agent cannot reach it`);
  blockers.push(...residencyViolations(replica, datasets));
  return blockers;
}

/**
 * The standby to promote when nobody named one: promotable replicas, least
 * lag first (unknown lag last), then the higher promotion priority, then the
 * name, so the choice is the same every time for the same facts.
 */
export function selectCandidate<R extends ReplicaSnapshot>(replicas: readonly R[], datasets: readonly DatasetSnapshot[]): R | null {
  const eligible = replicas.filter((replica) => promotionBlockers(replica, datasets).length === 0);
  eligible.sort(
    (a, b) =>
      (a.lagBytes ?? Number.POSITIVE_INFINITY) - (b.lagBytes ?? Number.POSITIVE_INFINITY) ||
      b.promotionPriority - a.promotionPriority ||
      a.name.localeCompare(b.name),
  );
  return eligible[0] ?? null;
}
