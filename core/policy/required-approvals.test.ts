import { describe, expect, it } from "vitest";
import { diffPolicy } from "./diff-policy";
import { isSafetyRelevant, requiredApprovals } from "./required-approvals";
import { demoPolicy } from "@/test/fixtures/policy-topology";

const current = demoPolicy((d) => (d.approvals = { safetyRelevant: 3, other: 1 }));
const requirement = (change: (d: ReturnType<typeof demoPolicy>) => void) => requiredApprovals(diffPolicy(current, demoPolicy((d) => { d.approvals = { safetyRelevant: 3, other: 1 }; change(d); })), current);

describe("requiredApprovals", () => {
  it.each([
    "failover.automatic",
    "failover.maxLagBytes",
    "failover.cooldownSeconds",
    "failover.cooldownAfterSwitchover",
    "failover.errantTransactions",
    "witness.quorum",
    "heartbeat.intervalSeconds",
    "heartbeat.missesBeforeUnfit",
    "datasets.orders.replication",
    "datasets.orders.residency.jurisdictions",
    "datasets.orders.residency.regions",
    "approvals.other",
    "maintenanceWindows",
    "drills.requireApproval",
    "drills.approvalExpiresAfterMinutes",
  ])("counts %s as safety-relevant", (field) => expect(isSafetyRelevant(field)).toBe(true));

  it.each(["alerts.forSeconds", "alerts.slotRetainedBytesMax", "alerts.conflictsPerMinuteMax"])("does not count %s", (field) =>
    expect(isSafetyRelevant(field)).toBe(false),
  );

  it("takes approvals.safetyRelevant from the policy in force when a safety-relevant field changes", () => {
    const result = requirement((d) => {
      d.failover.maxLagBytes = 2 * 1024 * 1024;
      d.alerts.forSeconds = 10;
    });
    expect(result).toEqual({ required: 3, safetyRelevantFields: ["failover.maxLagBytes"], sentence: "needs 3 approvals: it changes safety-relevant failover.maxLagBytes" });
  });

  it("asks for approvals.safetyRelevant to have planned switchovers start the cooldown", () => {
    expect(requirement((d) => (d.failover.cooldownAfterSwitchover = true))).toEqual({
      required: 3,
      safetyRelevantFields: ["failover.cooldownAfterSwitchover"],
      sentence: "needs 3 approvals: it changes safety-relevant failover.cooldownAfterSwitchover",
    });
  });

  it("asks for approvals.safetyRelevant to let a rejoin rebuild a former primary with errant transactions, and to stop it doing so", () => {
    const rebuild = requirement((d) => (d.failover.errantTransactions = "rebuild"));
    expect(rebuild).toEqual({
      required: 3,
      safetyRelevantFields: ["failover.errantTransactions"],
      sentence: "needs 3 approvals: it changes safety-relevant failover.errantTransactions",
    });
    const rebuilding = demoPolicy((d) => {
      d.approvals = { safetyRelevant: 3, other: 1 };
      d.failover.errantTransactions = "rebuild";
    });
    expect(requiredApprovals(diffPolicy(rebuilding, current), rebuilding).required).toBe(3);
  });

  it("takes approvals.other otherwise", () => {
    expect(requirement((d) => (d.alerts.forSeconds = 10))).toEqual({ required: 1, safetyRelevantFields: [], sentence: "needs 1 approval: no safety-relevant field changes" });
  });

  it("reads M from the current policy, not from the proposal", () => {
    const lowered = requiredApprovals(diffPolicy(current, demoPolicy((d) => (d.approvals = { safetyRelevant: 1, other: 1 }))), current);
    expect(lowered.required).toBe(3);
  });
});
