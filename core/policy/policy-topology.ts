import type { Engine } from "@/contracts/services";

/**
 * What a policy is judged against: the regions it may name, the datasets and
 * replicas of the service it governs (or, for the global default, of every
 * service that inherits it), read in one go.
 */
export interface PolicyReplica {
  serviceId: string;
  name: string;
  /** The service's engine: some settings mean something for one engine only. */
  engine: Engine;
  regionId: string;
  jurisdiction: string;
  role: "primary" | "standby" | "witness";
  replication: "sync" | "async";
  noPromote: boolean;
  /** The replica the service's write route points at. */
  writePrimary: boolean;
  /** Last reported lag behind the primary; null when unknown. */
  lagBytes: number | null;
}

export interface PolicyTopology {
  /** `null` for the global default policy. */
  serviceId: string | null;
  /** Every region Switchyard knows, with its jurisdiction. */
  regions: { id: string; jurisdiction: string }[];
  /** Datasets the policy may name: the service's, or every service's for the global policy. */
  datasets: string[];
  replicas: PolicyReplica[];
}

/** How the policy's subject reads in a sentence. */
export const subjectOf = (topology: Pick<PolicyTopology, "serviceId">) => topology.serviceId ?? "the global policy";

/**
 * Regions that witness a region: every other region the service runs in (all
 * other known regions for the global policy), since a region never vouches
 * for itself.
 */
export function witnessRegionCount(topology: PolicyTopology): number {
  const regions = topology.serviceId === null ? topology.regions.map((region) => region.id) : topology.replicas.map((replica) => replica.regionId);
  return Math.max(new Set(regions).size - 1, 0);
}
