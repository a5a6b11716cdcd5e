import "server-only";
import { type AutomationPolicy, type AutomationSnapshot, NO_CONTROLS } from "@/core/automation/snapshot";
import { automationControls } from "./automation-controls";
import { db } from "../db/client";
import { serviceDetail } from "../fleet/service-detail";
import { effectivePolicies, type EffectivePolicy } from "../policy/effective-policy";

const lsn = (value: string | null) => (value === null ? null : BigInt(value));

/** Without an effective policy nothing may act: automatic failover off, and a lone witness is enough only to detect. */
function automationPolicy(policy: EffectivePolicy | undefined, staleAfterSeconds: number): AutomationPolicy {
  if (!policy) {
    return { version: null, heartbeatIntervalSeconds: staleAfterSeconds, missesBeforeUnfit: 1, witnessQuorum: 1, automatic: false, maxLagBytes: 0, cooldownSeconds: 0 };
  }
  const { heartbeat, witness, failover } = policy.document;
  return {
    version: policy.version,
    heartbeatIntervalSeconds: heartbeat.intervalSeconds,
    missesBeforeUnfit: heartbeat.missesBeforeUnfit,
    witnessQuorum: witness.quorum,
    automatic: failover.automatic,
    maxLagBytes: failover.maxLagBytes,
    cooldownSeconds: failover.cooldownSeconds,
  };
}

/**
 * One read of what the automation decides on: the live topology (judged with
 * `now`), the policy, the witness links into the service, its active run and
 * the operators' controls (pause, cooldown after the last failover, acknowledgement).
 */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [detail, policies, links, runs] = await Promise.all([
    serviceDetail(serviceId, now),
    effectivePolicies([serviceId]),
    db().witnessLink.findMany({ where: { to: { serviceId } }, include: { from: { select: { regionId: true } } } }),
    db().run.findMany({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true, status: true } }),
  ]);
  const policy = automationPolicy(policies.get(serviceId), detail.staleAfterSeconds);
  const controls = await automationControls(new Map([[serviceId, policy.cooldownSeconds]]), now);
  const jurisdiction = new Map(detail.regions.map((region) => [region.id, region.jurisdiction]));
  return {
    serviceId,
    epoch: detail.epoch,
    writeReplicaId: detail.writeReplicaId,
    datasets: detail.datasets.map((dataset) => ({ name: dataset.name, consistency: dataset.consistency, residency: dataset.residency })),
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
      lagSeconds: replica.live.lagSeconds,
      lastReportAt: replica.live.lastReportAt === null ? null : new Date(replica.live.lastReportAt),
      currentLsn: lsn(replica.live.lsn.current),
      // The WAL receiver's received position is what it has written and flushed to disk.
      flushedLsn: lsn(replica.live.lsn.received),
      replayedLsn: lsn(replica.live.lsn.replayed),
    })),
    witnesses: links.map((link) => ({
      fromReplicaId: link.fromReplicaId,
      fromRegionId: link.from.regionId,
      toReplicaId: link.toReplicaId,
      reachable: link.reachable,
      unreachableSince: link.unreachableSince,
      observedAt: link.observedAt,
    })),
    activeRuns: runs,
    controls: controls.get(serviceId) ?? NO_CONTROLS,
    policy,
  };
}
