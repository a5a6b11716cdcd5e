import "server-only";
import type { AgentReport } from "@/contracts/agent-reports";
import type { LiveReplica, ServiceDetail } from "@/contracts/services";
import type { TopologyReplica } from "@/core/topology/service-topology";
import { db } from "../db/client";
import { NotFoundError } from "../errors";
import { readTopology } from "../topology/read-topology";
import { SERVICE_INCLUDE, serviceView } from "./service-view";

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A MariaDB replica's GTIDs from its latest report, in the columns PostgreSQL's LSNs take. */
function gtidPositions(report: AgentReport | undefined): LiveReplica["live"]["gtid"] {
  const gtids = report?.mariadb;
  if (!gtids) return null;
  return report.role === "primary"
    ? { current: gtids.gtidBinlogPos, received: null, replayed: null }
    : { current: null, received: gtids.gtidIoPos || gtids.gtidSlavePos, replayed: gtids.gtidSlavePos };
}

/** The latest reports of a MariaDB service's replicas, for their GTIDs (other engines have none to show). */
async function latestReports(engine: string, replicaIds: string[]): Promise<Map<string, AgentReport>> {
  if (engine !== "mariadb") return new Map();
  const states = await db().replicaState.findMany({ where: { replicaId: { in: replicaIds } }, select: { replicaId: true, report: true } });
  return new Map(states.map((state) => [state.replicaId, state.report as AgentReport]));
}

function liveState(replica: TopologyReplica, report: AgentReport | undefined): LiveReplica["live"] {
  const page = replica.page;
  return {
    health: replica.health,
    reasons: replica.reasons,
    lastReportAt: iso(replica.lastReportAt),
    observedAt: iso(page?.observedAt ?? null),
    reachable: replica.reachable,
    reportedRole: replica.reportedRole,
    timeline: page?.timeline ?? null,
    lsn: { current: replica.currentLsn?.toString() ?? null, received: replica.flushedLsn?.toString() ?? null, replayed: replica.replayedLsn?.toString() ?? null },
    gtid: gtidPositions(report),
    lagBytes: replica.lagBytes,
    lagSeconds: replica.lagSeconds,
    syncState: replica.syncState,
    walReceiverStatus: replica.walReceiverStatus,
    queryLatencyMs: page?.queryLatencyMs ?? null,
    recoveryConflicts: page?.recoveryConflicts ?? null,
    logicalConflicts: page?.logicalConflicts ?? null,
  };
}

/**
 * A service's page: its catalog (names, hosts, datasets) with the live
 * topology every reader shares (server/topology), so the page shows the
 * health, sync states and positions the automation and runbooks decide on;
 * a retired service as it was when retired.
 */
export async function serviceDetail(serviceId: string, now = new Date()): Promise<ServiceDetail> {
  const [topology] = await readTopology(now, [serviceId], { retired: true, page: true });
  if (!topology) throw new NotFoundError(`No service with id ${serviceId}.`);
  const ids = topology.replicas.map((replica) => replica.id);
  const [service, regions] = await Promise.all([
    db().service.findUnique({ where: { id: serviceId }, include: { ...SERVICE_INCLUDE, replicas: { where: { id: { in: ids } } } } }),
    db().region.findMany({ where: { id: { in: [...new Set(topology.replicas.map((replica) => replica.regionId))] } }, orderBy: { id: "asc" } }),
  ]);
  if (!service) throw new NotFoundError(`No service with id ${serviceId}.`);
  const catalog = new Map(service.replicas.map((replica) => [replica.id, replica]));
  // In the topology's order; a replica retired between the two reads is left out.
  const replicas = topology.replicas.filter((replica) => catalog.has(replica.id));
  const base = serviceView({ ...service, replicas: replicas.map((replica) => catalog.get(replica.id)!) }, topology.policy ?? undefined);
  const reports = await latestReports(service.engine, ids);
  return {
    ...base,
    regions,
    staleAfterSeconds: topology.staleAfterMs / 1000,
    generatedAt: now.toISOString(),
    replicas: replicas.map((replica, index) => ({
      ...base.replicas[index]!,
      agent: replica.page?.agent ? { ...replica.page.agent, lastHeartbeatAt: iso(replica.page.agent.lastHeartbeatAt) } : null,
      live: liveState(replica, reports.get(replica.id)),
    })),
  };
}
