import "server-only";
import type { AgentReport } from "@/contracts/agent-reports";
import { type AutomationPolicy, type AutomationSnapshot, NO_CONTROLS } from "@/core/automation/snapshot";
import { automationControls } from "./automation-controls";
import { db } from "../db/client";
import { grantedLease } from "../primary-lease/primary-leases";
import type { EffectivePolicy } from "../policy/effective-policy";
import { bigintOf, datasetSnapshots, readLiveService, replicaSnapshot } from "../runbooks/service-snapshot";

/** Without an effective policy nothing may act: automatic failover off, and a lone witness is enough only to detect. */
function automationPolicy(policy: EffectivePolicy | undefined, staleAfterSeconds: number): AutomationPolicy {
  if (!policy) {
    return { version: null, versionId: null, heartbeatIntervalSeconds: staleAfterSeconds, missesBeforeUnfit: 1, witnessQuorum: 1, automatic: false, maxLagBytes: 0, cooldownSeconds: 0, cooldownAfterSwitchover: false, maintenanceWindows: [] };
  }
  const { heartbeat, witness, failover, maintenanceWindows } = policy.document;
  return {
    version: policy.version,
    versionId: policy.versionId,
    heartbeatIntervalSeconds: heartbeat.intervalSeconds,
    missesBeforeUnfit: heartbeat.missesBeforeUnfit,
    witnessQuorum: witness.quorum,
    automatic: failover.automatic,
    maxLagBytes: failover.maxLagBytes,
    cooldownSeconds: failover.cooldownSeconds,
    cooldownAfterSwitchover: failover.cooldownAfterSwitchover,
    maintenanceWindows,
  };
}

type LastServing = { syncStates: Map<string, string | null>; currentLsn: bigint | null };

/**
 * From each replica's stored reports, in one read: whether its latest report
 * says it refuses writes by default, and, for a replica that no longer
 * answers its agent, what it last said while it did: the sync state of each
 * standby and its own position. The latest report of a lost primary only says
 * it does not answer, and a candidate is proven safe by what came before.
 */
async function reportFacts(serviceId: string): Promise<{ readOnly: Map<string, boolean | null>; lastServing: Map<string, LastServing> }> {
  const rows = await db().$queryRaw<{ replicaId: string; readOnly: string | null; lastServing: AgentReport | null }[]>`
    SELECT s."replicaId", s.report #>> '{settings,default_transaction_read_only}' AS "readOnly",
           CASE WHEN NOT s.reachable THEN s."lastServingReport" END AS "lastServing"
    FROM "ReplicaState" s JOIN "Replica" r ON r.id = s."replicaId" WHERE r."serviceId" = ${serviceId} AND r."retiredAt" IS NULL`;
  return {
    readOnly: new Map(rows.map((row) => [row.replicaId, row.readOnly === null ? null : row.readOnly === "on"])),
    lastServing: new Map(
      rows.flatMap(({ replicaId, lastServing: report }) =>
        report ? [[replicaId, { syncStates: new Map(report.standbys.map((standby) => [standby.applicationName, standby.syncState])), currentLsn: bigintOf(report.lsn.current) }] as const] : [],
      ),
    ),
  };
}

/**
 * One read of what the automation decides on: the live topology (judged with
 * `now`), the policy, the witness links into the service, its active run and
 * the operators' controls (pause, the promotions a cooldown runs from, acknowledgement).
 */
export async function automationSnapshot(serviceId: string, now: Date): Promise<AutomationSnapshot> {
  const [live, runs, reports] = await Promise.all([
    readLiveService(serviceId, now),
    db().run.findMany({ where: { activeForServiceId: serviceId }, select: { id: true, runbookId: true, status: true } }),
    reportFacts(serviceId),
  ]);
  const { detail, links } = live;
  const primaryLease = detail.writeReplicaId ? await grantedLease(detail.writeReplicaId) : null;
  const served = detail.writeReplicaId ? reports.lastServing.get(detail.writeReplicaId) : undefined;
  const policy = automationPolicy(live.policy, detail.staleAfterSeconds);
  const controls = await automationControls([serviceId], now);
  return {
    serviceId,
    epoch: detail.epoch,
    writeReplicaId: detail.writeReplicaId,
    datasets: datasetSnapshots(detail),
    replicas: detail.replicas.map((replica) => ({
      ...replicaSnapshot(replica, live),
      ...(served && replica.id !== detail.writeReplicaId ? { syncState: served.syncStates.get(replica.name) ?? replica.live.syncState } : {}),
      lagSeconds: replica.live.lagSeconds,
      lastReportAt: replica.live.lastReportAt === null ? null : new Date(replica.live.lastReportAt),
      currentLsn: served && replica.id === detail.writeReplicaId ? served.currentLsn : bigintOf(replica.live.lsn.current),
      // The WAL receiver's received position is what it has written and flushed to disk.
      flushedLsn: bigintOf(replica.live.lsn.received),
      readOnly: reports.readOnly.get(replica.id) ?? null,
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
