import { describe, expect, it } from "vitest";
import { decide } from "@/core/automation/decide";
import { healthySnapshot, NOW, primaryLost } from "@/test/fixtures/automation-snapshot";
import { demoPolicy } from "@/test/fixtures/policy-topology";
import { evaluateCondition } from "@/core/runbooks/conditions";
import type { ServiceSnapshot } from "@/core/runbooks/snapshot";
import { alertFactsOf, type AlertExtras } from "./alert-facts-of";
import { automationSnapshotOf } from "./automation-snapshot-of";
import { runbookSnapshotOf } from "./runbook-snapshot-of";
import type { PolicyInForce, ServiceTopology } from "./service-topology";

const POLICY: PolicyInForce = { version: 4, versionId: "policy-version-4", document: demoPolicy() };

/** The automation fixture's service as the one topology read holds it, with what alert rules read of each report besides. */
function topology(snapshot = healthySnapshot(), policy: PolicyInForce | null = POLICY): ServiceTopology {
  return {
    serviceId: snapshot.serviceId,
    epoch: snapshot.epoch,
    writeReplicaId: snapshot.writeReplicaId,
    datasets: snapshot.datasets.map((dataset) => ({ ...dataset, rpoSeconds: dataset.consistency === "eventual" ? 30 : 0 })),
    replicas: snapshot.replicas.map((replica) => ({
      ...replica,
      reasons: [],
      page: {
        agent: { id: `agent-${replica.id}`, name: `agent-${replica.name}`, version: "1.0.0", lastHeartbeatAt: replica.lastReportAt, clockSkewMs: 3 },
        observedAt: replica.lastReportAt,
        timeline: 1,
        queryLatencyMs: 0.8,
        recoveryConflicts: 0,
        logicalConflicts: 0,
      },
      standbys: replica.role === "primary" ? [{ applicationName: "pg-eu-west-1", state: "streaming", syncState: "sync" }] : [{ applicationName: "cascaded", state: "streaming", syncState: "async" }],
      slots: replica.role === "primary" ? [{ name: "pg_eu_west_1", retainedBytes: 4096 }] : [],
      settings: { synchronous_commit: "on", synchronous_standby_names: replica.role === "primary" ? "FIRST 1 (pg-eu-west-1)" : "", default_transaction_read_only: replica.role === "primary" ? "off" : "on" },
    })),
    witnesses: snapshot.witnesses.filter((link) => link.toReplicaId === snapshot.writeReplicaId),
    primaryLease: snapshot.primaryLease,
    policy,
    staleAfterMs: 5_000,
  };
}

const EXTRAS: AlertExtras = { conflictsLastMinute: new Map([["e", 3]]), automationHolds: [], notDecided: null, refusedScheduledRuns: [], auditTrail: { state: "healthy", sentence: "" } as unknown as AlertExtras["auditTrail"] };

describe("one topology, every reader's view of it", () => {
  it("a runbook sees each replica's shared facts, the write replica's witnesses and the policy's thresholds, and nothing of the reports beyond", () => {
    const read = topology();
    const snapshot = runbookSnapshotOf(read, NOW);
    expect(snapshot.now).toBe(NOW);
    expect(snapshot.witnesses).toBe(read.witnesses);
    expect(snapshot.policy).toEqual({ version: 4, maxLagBytes: POLICY.document.failover.maxLagBytes, witnessQuorum: POLICY.document.witness.quorum, staleAfterMs: 5_000 });
    for (const [index, replica] of snapshot.replicas.entries()) {
      const source = read.replicas[index]!;
      expect(replica).toEqual({
        id: source.id, name: source.name, regionId: source.regionId, jurisdiction: source.jurisdiction, role: source.role, replication: source.replication,
        promotionPriority: source.promotionPriority, noPromote: source.noPromote, hasAgent: source.hasAgent, health: source.health, lastReportAt: source.lastReportAt,
        reachable: source.reachable, reportedRole: source.reportedRole, walReceiverStatus: source.walReceiverStatus, syncState: source.syncState, lagBytes: source.lagBytes, replayedLsn: source.replayedLsn,
      });
    }
    expect(snapshot.datasets).toEqual(read.datasets.map(({ name, consistency, residency }) => ({ name, consistency, residency })));
  });

  it("without a policy in force, a runbook reads the defaults: no lag allowed, a lone witness", () => {
    expect(runbookSnapshotOf(topology(healthySnapshot(), null), NOW).policy).toEqual({ version: null, maxLagBytes: 0, witnessQuorum: 1, staleAfterMs: 5_000 });
  });

  it("the automation sees what the runbook sees, plus positions and timing, and the decision it takes from the topology is the fixture's", () => {
    const snapshot = healthySnapshot();
    const derived = automationSnapshotOf(topology(snapshot), snapshot.activeRuns, snapshot.controls);
    expect(derived.replicas).toEqual(snapshot.replicas);
    for (const pageOrAlertOnly of ["standbys", "slots", "settings", "reasons", "page"]) {
      expect(derived.replicas.some((replica) => pageOrAlertOnly in replica), pageOrAlertOnly).toBe(false);
    }
    const lost = primaryLost(8_000, 8_000, snapshot);
    const fromTopology = automationSnapshotOf(topology(lost), lost.activeRuns, lost.controls);
    expect(decide(fromTopology, NOW).map((decision) => decision.ruleId)).toEqual(decide({ ...lost, policy: fromTopology.policy }, NOW).map((decision) => decision.ruleId));
  });

  it("takes the automation's thresholds from the policy in force, and acts on nothing without one", () => {
    const derived = automationSnapshotOf(topology(), [], healthySnapshot().controls);
    expect(derived.policy).toMatchObject({ version: 4, versionId: "policy-version-4", automatic: POLICY.document.failover.automatic, witnessQuorum: POLICY.document.witness.quorum });
    const none = automationSnapshotOf(topology(healthySnapshot(), null), [], healthySnapshot().controls);
    expect(none.policy).toMatchObject({ version: null, versionId: null, automatic: false, witnessQuorum: 1, heartbeatIntervalSeconds: 5, missesBeforeUnfit: 1 });
  });

  it("a runbook condition and the automation judge the same primary loss from the same topology", () => {
    const primaryUnreachable = (snapshot: ServiceSnapshot) =>
      evaluateCondition("primary-unreachable", { snapshot, primary: snapshot.replicas.find((replica) => replica.id === snapshot.writeReplicaId) ?? null, target: null, others: [], fencedLsn: null });
    const lostSnapshot = primaryLost(8_000, 8_000);
    const lost = topology(lostSnapshot);
    expect(primaryUnreachable(runbookSnapshotOf(lost, NOW))).toMatchObject({ holds: true });
    expect(decide(automationSnapshotOf(lost, [], lostSnapshot.controls), NOW).map((decision) => decision.action)).toEqual([{ kind: "fail-over", candidateId: "e", candidateName: "pg-eu-west-1" }]);
    const fresh = topology();
    expect(primaryUnreachable(runbookSnapshotOf(fresh, NOW))).toMatchObject({ holds: false });
    expect(decide(automationSnapshotOf(fresh, [], lostSnapshot.controls), NOW).map((decision) => decision.ruleId)).toEqual(["healthy"]);
  });

  it("alert rules see the write primary's standbys and slots only, the settings of every report, and conflicts counted only for replicas that reported", () => {
    const read = topology();
    read.replicas[2] = { ...read.replicas[2]!, lastReportAt: null };
    const facts = alertFactsOf(read, EXTRAS)!;
    expect(facts.id).toBe("orders-db");
    expect(facts.policyVersion).toBe(4);
    expect(facts.replicas.map((replica) => replica.standbys.length)).toEqual([1, 0, 0]);
    expect(facts.replicas.map((replica) => replica.slots.length)).toEqual([1, 0, 0]);
    expect(facts.replicas.map((replica) => replica.settings?.default_transaction_read_only)).toEqual(["off", "on", "on"]);
    expect(facts.replicas.map((replica) => replica.conflictsPerMinute)).toEqual([0, 3, null]);
    expect(facts.strong).toBe(true);
    expect(facts.rpoSeconds).toBe(30);
  });

  it("a service without a policy in force has no thresholds for alert rules to judge by", () => {
    expect(alertFactsOf(topology(healthySnapshot(), null), EXTRAS)).toBeNull();
  });
});
