import type { ReplicaFacts, ServiceFacts } from "../alerts/alert-facts";
import { rpoBudgetSeconds } from "../policy/budgets";
import type { ServiceTopology, TopologyReplica } from "./service-topology";

/** What the alert evaluator reads besides the topology. */
export interface AlertExtras {
  /** Recovery plus logical conflicts per replica over the last minute (replicas with none are absent). */
  conflictsLastMinute: ReadonlyMap<string, number>;
  automationHolds: ServiceFacts["automationHolds"];
  notDecided: ServiceFacts["notDecided"];
  refusedScheduledRuns: ServiceFacts["refusedScheduledRuns"];
  auditTrail: ServiceFacts["auditTrail"];
}

function replicaFactsOf(replica: TopologyReplica, isWrite: boolean, conflicts: ReadonlyMap<string, number>): ReplicaFacts {
  return {
    id: replica.id,
    name: replica.name,
    role: replica.role,
    hasAgent: replica.hasAgent,
    lastReportAt: replica.lastReportAt,
    reachable: replica.reachable,
    reportedRole: replica.reportedRole,
    lagBytes: replica.lagBytes,
    lagSeconds: replica.lagSeconds,
    // Only the write primary's view of its standbys means anything to the rules.
    standbys: isWrite ? replica.standbys : [],
    slots: replica.slots,
    settings: replica.settings,
    conflictsPerMinute: replica.lastReportAt ? (conflicts.get(replica.id) ?? 0) : null,
  };
}

/** A service as the alert rules see it; none without a policy in force, which holds the thresholds to judge by. */
export function alertFactsOf(topology: ServiceTopology, extras: AlertExtras): ServiceFacts | null {
  const { policy } = topology;
  if (!policy) return null;
  return {
    id: topology.serviceId,
    policy: policy.document,
    policyVersion: policy.version,
    writeReplicaId: topology.writeReplicaId,
    // What the datasets promise and what the policy asks for: either needs a synchronous standby.
    strong: topology.datasets.some((dataset) => dataset.consistency === "strong") || Object.values(policy.document.datasets).some((rule) => rule.replication === "sync"),
    rpoSeconds: rpoBudgetSeconds(topology.datasets),
    automationHolds: extras.automationHolds,
    notDecided: extras.notDecided,
    refusedScheduledRuns: extras.refusedScheduledRuns,
    auditTrail: extras.auditTrail,
    replicas: topology.replicas.map((replica) => replicaFactsOf(replica, replica.id === topology.writeReplicaId, extras.conflictsLastMinute)),
  };
}
