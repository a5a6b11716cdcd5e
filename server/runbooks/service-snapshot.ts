import "server-only";
import type { ServiceSnapshot } from "@/core/runbooks/snapshot";
import { db } from "../db/client";
import { serviceDetail } from "../fleet/service-detail";
import { effectivePolicies } from "../policy/effective-policy";

/** One read of everything a runbook looks at, judged with one `now`. */
export async function serviceSnapshot(serviceId: string, now = new Date()): Promise<ServiceSnapshot> {
  const [detail, policies, links] = await Promise.all([
    serviceDetail(serviceId, now),
    effectivePolicies([serviceId]),
    db().witnessLink.findMany({ where: { to: { serviceId } }, include: { from: { select: { regionId: true } } } }),
  ]);
  const jurisdiction = new Map(detail.regions.map((region) => [region.id, region.jurisdiction]));
  const policy = policies.get(serviceId);
  return {
    now,
    serviceId,
    epoch: detail.epoch,
    writeReplicaId: detail.writeReplicaId,
    replicas: detail.replicas.map((replica) => ({
      id: replica.id,
      name: replica.name,
      regionId: replica.regionId,
      jurisdiction: jurisdiction.get(replica.regionId) ?? "unknown",
      role: replica.role,
      replication: replica.replication,
      promotionPriority: replica.promotionPriority,
      noPromote: replica.noPromote,
      hasAgent: replica.agent !== null,
      health: replica.live.health,
      reachable: replica.live.reachable,
      reportedRole: replica.live.reportedRole,
      walReceiverStatus: replica.live.walReceiverStatus,
      syncState: replica.live.syncState,
      lagBytes: replica.live.lagBytes,
      replayedLsn: replica.live.lsn.replayed === null ? null : BigInt(replica.live.lsn.replayed),
    })),
    datasets: detail.datasets.map((dataset) => ({ name: dataset.name, consistency: dataset.consistency, residency: dataset.residency })),
    witnesses: links.map((link) => ({ fromReplicaId: link.fromReplicaId, toReplicaId: link.toReplicaId, fromRegionId: link.from.regionId, reachable: link.reachable })),
    policy: {
      version: policy?.version ?? null,
      maxLagBytes: policy?.document.failover.maxLagBytes ?? 0,
      witnessQuorum: policy?.document.witness.quorum ?? 1,
    },
  };
}
