import type { ActiveRun, AutomationControls, AutomationPolicy, AutomationReplica, AutomationSnapshot } from "../automation/snapshot";
import { datasetSnapshotOf } from "./runbook-snapshot-of";
import type { PolicyInForce, ServiceTopology, TopologyReplica } from "./service-topology";

export function automationReplicaOf(replica: TopologyReplica): AutomationReplica {
  const { standbys: _standbys, slots: _slots, settings: _settings, reasons: _reasons, page: _page, ...automation } = replica;
  return automation;
}

/** Without a policy in force nothing may act: automatic failover off, and a lone witness is enough only to detect. */
export function automationPolicyOf(policy: PolicyInForce | null, staleAfterSeconds: number): AutomationPolicy {
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

/** What one automatic decision looks at: the topology, with the service's active runs and the operators' controls. */
export function automationSnapshotOf(topology: ServiceTopology, activeRuns: ActiveRun[], controls: AutomationControls): AutomationSnapshot {
  return {
    serviceId: topology.serviceId,
    epoch: topology.epoch,
    writeReplicaId: topology.writeReplicaId,
    datasets: topology.datasets.map(datasetSnapshotOf),
    replicas: topology.replicas.map(automationReplicaOf),
    witnesses: topology.witnesses,
    activeRuns,
    primaryLease: topology.primaryLease,
    controls,
    policy: automationPolicyOf(topology.policy, topology.staleAfterMs / 1000),
  };
}
