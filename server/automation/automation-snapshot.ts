import "server-only";
import { type AutomationPolicy, type AutomationSnapshot, NO_CONTROLS } from "@/core/automation/snapshot";
import { automationControls } from "./automation-controls";
import { db } from "../db/client";
import { grantedLease } from "../primary-lease/primary-leases";
import type { EffectivePolicy } from "../policy/effective-policy";
import { bigintOf, datasetSnapshots, readLiveService, replicaSnapshot } from "../runbooks/service-snapshot";

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

/** Per replica of the service: whether its latest report says it refuses writes by default. */
async function readOnlyByReplica(serviceId: string): Promise<Map<string, boolean | null>> {
  const rows = await db().$queryRaw<{ replicaId: string; readOnly: string | null }[]>`
    SELECT s."replicaId", s.report #>> '{settings,default_transaction_read_only}' AS "readOnly"
    FROM "ReplicaState" s JOIN "Replica" r ON r.id = s."replicaId" WHERE r."serviceId" = ${serviceId}`;
  return new Map(rows.map((row) => [row.replicaId, row.readOnly === null ? null : row.readOnly === "on"]));
}

/**
 * One read of what the automation decides on: the live topology (judged with
 * `now`), the policy, the witness links into the service, its active run and
 * the operators' controls (pause, cooldown after the last failover, acknowledgement).
 */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [live, runs, readOnly] = await Promise.all([
    readLiveService(serviceId, now),
    db().run.findMany({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true, status: true } }),
    readOnlyByReplica(serviceId),
  ]);
  const { detail, links } = live;
  const primaryLease = detail.writeReplicaId ? await grantedLease(detail.writeReplicaId) : null;
  const policy = automationPolicy(live.policy, detail.staleAfterSeconds);
  const controls = await automationControls(new Map([[serviceId, policy.cooldownSeconds]]), now);
  return {
    serviceId,
    epoch: detail.epoch,
    writeReplicaId: detail.writeReplicaId,
    datasets: datasetSnapshots(detail),
    replicas: detail.replicas.map((replica) => ({
      ...replicaSnapshot(replica, live),
      lagSeconds: replica.live.lagSeconds,
      lastReportAt: replica.live.lastReportAt === null ? null : new Date(replica.live.lastReportAt),
      currentLsn: bigintOf(replica.live.lsn.current),
      // The WAL receiver's received position is what it has written and flushed to disk.
      flushedLsn: bigintOf(replica.live.lsn.received),
      readOnly: readOnly.get(replica.id) ?? null,
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
    primaryLease,
    controls: controls.get(serviceId) ?? NO_CONTROLS,
    policy,
  };
}
