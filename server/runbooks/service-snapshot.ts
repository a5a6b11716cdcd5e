import "server-only";
import type { DatasetSnapshot, ReplicaSnapshot, ServiceSnapshot } from "@/core/runbooks/snapshot";
import type { LiveReplica, ServiceDetail } from "@/contracts/services";
import { bigintOf } from "@/core/lsn";
import { serviceBudgets } from "@/core/fleet/judge-replica";
import { db } from "../db/client";
import { serviceDetail } from "../fleet/service-detail";
import { effectivePolicies, type EffectivePolicy } from "../policy/effective-policy";
import { retiredServiceError } from "../retired-guards";

/** What both runbooks and the automation read of a service: its live topology, its policy, and the witness links into it. */
export interface LiveService {
  detail: ServiceDetail;
  policy: EffectivePolicy | undefined;
  links: Awaited<ReturnType<typeof witnessLinksInto>>;
  jurisdictionOf(regionId: string): string;
}

function witnessLinksInto(serviceId: string) {
  return db().witnessLink.findMany({ where: { to: { serviceId } }, include: { from: { select: { regionId: true } } } });
}

/** One read, judged with one `now`. */
export async function readLiveService(serviceId: string, now: Date): Promise<LiveService> {
  const [detail, policies, links] = await Promise.all([serviceDetail(serviceId, now), effectivePolicies([serviceId]), witnessLinksInto(serviceId)]);
  const jurisdiction = new Map(detail.regions.map((region) => [region.id, region.jurisdiction]));
  return { detail, policy: policies.get(serviceId), links, jurisdictionOf: (regionId) => jurisdiction.get(regionId) ?? "unknown" };
}

export function replicaSnapshot(replica: LiveReplica, live: LiveService): ReplicaSnapshot {
  return {
    id: replica.id,
    name: replica.name,
    regionId: replica.regionId,
    jurisdiction: live.jurisdictionOf(replica.regionId),
    role: replica.role,
    replication: replica.replication,
    promotionPriority: replica.promotionPriority,
    noPromote: replica.noPromote,
    hasAgent: replica.agent !== null,
    health: replica.live.health,
    lastReportAt: replica.live.lastReportAt === null ? null : new Date(replica.live.lastReportAt),
    reachable: replica.live.reachable,
    reportedRole: replica.live.reportedRole,
    walReceiverStatus: replica.live.walReceiverStatus,
    syncState: replica.live.syncState,
    lagBytes: replica.live.lagBytes,
    replayedLsn: bigintOf(replica.live.lsn.replayed),
  };
}

export const datasetSnapshots = (detail: ServiceDetail): DatasetSnapshot[] =>
  detail.datasets.map((dataset) => ({ name: dataset.name, consistency: dataset.consistency, residency: dataset.residency }));

/** One read of everything a runbook looks at, judged with one `now`; nothing runs on a retired service (409). */
export async function serviceSnapshot(serviceId: string, now = new Date()): Promise<ServiceSnapshot> {
  const live = await readLiveService(serviceId, now);
  const { detail, policy, links } = live;
  if (detail.retiredAt) throw retiredServiceError(serviceId, new Date(detail.retiredAt), "no runbook runs on it", "params.service");
  return {
    now,
    serviceId,
    epoch: detail.epoch,
    writeReplicaId: detail.writeReplicaId,
    replicas: detail.replicas.map((replica) => replicaSnapshot(replica, live)),
    datasets: datasetSnapshots(detail),
    witnesses: links.map((link) => ({
      fromReplicaId: link.fromReplicaId,
      toReplicaId: link.toReplicaId,
      fromRegionId: link.from.regionId,
      reachable: link.reachable,
      unreachableSince: link.unreachableSince,
      observedAt: link.observedAt,
    })),
    policy: {
      version: policy?.version ?? null,
      maxLagBytes: policy?.document.failover.maxLagBytes ?? 0,
      witnessQuorum: policy?.document.witness.quorum ?? 1,
      staleAfterMs: serviceBudgets(policy?.document, detail.datasets).staleAfterMs,
    },
  };
}
