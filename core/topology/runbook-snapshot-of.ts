import type { DatasetSnapshot, ReplicaSnapshot, ServiceSnapshot } from "../runbooks/snapshot";
import type { ServiceTopology, TopologyDataset, TopologyReplica } from "./service-topology";

export function replicaSnapshotOf(replica: TopologyReplica): ReplicaSnapshot {
  const { id, name, regionId, jurisdiction, role, replication, promotionPriority, noPromote, hasAgent, health, lastReportAt, reachable, reportedRole, walReceiverStatus, syncState, lagBytes, replayedLsn } = replica;
  return { id, name, regionId, jurisdiction, role, replication, promotionPriority, noPromote, hasAgent, health, lastReportAt, reachable, reportedRole, walReceiverStatus, syncState, lagBytes, replayedLsn };
}

export const datasetSnapshotOf = ({ name, consistency, residency }: TopologyDataset): DatasetSnapshot => ({ name, consistency, residency });

/** What a runbook's plan and steps look at. */
export function runbookSnapshotOf(topology: ServiceTopology, now: Date): ServiceSnapshot {
  const { policy } = topology;
  return {
    now,
    serviceId: topology.serviceId,
    epoch: topology.epoch,
    writeReplicaId: topology.writeReplicaId,
    replicas: topology.replicas.map(replicaSnapshotOf),
    datasets: topology.datasets.map(datasetSnapshotOf),
    witnesses: topology.witnesses,
    policy: {
      version: policy?.version ?? null,
      maxLagBytes: policy?.document.failover.maxLagBytes ?? 0,
      witnessQuorum: policy?.document.witness.quorum ?? 1,
      staleAfterMs: topology.staleAfterMs,
    },
  };
}
