import { describe, expect, it } from "vitest";
import type { MaintenanceWindow } from "@/contracts/policy";
import { type Decision, decide } from "./decide";
import { IN_PLACE_RESTART_HOLD_MS } from "../agents/in-place-restart";
import { RULES } from "./rules";
import { ago, healthySnapshot, NOW, primaryLost, withReplica } from "@/test/fixtures/automation-snapshot";

const LOST = "pg-us-east-1's reports stopped 8 s ago (stale after 5 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s";
const killed = () => primaryLost(8000, 7500);
const KERNEL_PATCHING = { startsAt: ago(3_600_000).toISOString(), endsAt: ago(-3_600_000).toISOString(), reason: "kernel patching", automaticFailover: "held" as const };
const inMaintenance = () => ({ ...killed(), policy: { ...killed().policy, maintenanceWindows: [KERNEL_PATCHING] } });

/** The scenarios as pure cases, each with the one decision it must yield. */
const SCENARIOS: Record<string, { snapshot: ReturnType<typeof healthySnapshot>; decision: Decision }> = {
  "healthy service": {
    snapshot: healthySnapshot(),
    decision: { ruleId: "healthy", diagnosis: "healthy", subject: null, action: { kind: "none" }, sentence: "the primary reports within 5 s and no standby lags beyond 1.0 MiB; nothing to do" },
  },
  "primary killed: silent and unreachable for the window": {
    snapshot: killed(),
    decision: {
      ruleId: "failover-automatic",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "fail-over", candidateId: "e", candidateName: "pg-eu-west-1" },
      sentence: `${LOST}; fail over to pg-eu-west-1 (aws:eu-west-1): synchronous, 0 B behind, priority 90`,
    },
  },
  "primary frozen shorter than the window": {
    snapshot: primaryLost(4000, 3500),
    decision: { ruleId: "healthy", diagnosis: "healthy", subject: null, action: { kind: "none" }, sentence: "the primary reports within 5 s and no standby lags beyond 1.0 MiB; nothing to do" },
  },
  "control plane lost the agent, witnesses reach the primary": {
    snapshot: withReplica(healthySnapshot(), "p", { lastReportAt: ago(6000), health: "stale" }),
    decision: {
      ruleId: "primary-loss-unconfirmed",
      diagnosis: "primary_unreachable_unconfirmed",
      subject: "p",
      action: { kind: "alert" },
      sentence:
        "pg-us-east-1's reports stopped 6 s ago (stale after 5 s), but 2 witnesses in other regions still reach it: the control plane lost contact with its agent; no failover until witnesses confirm the loss",
    },
  },
  "only a lagging async candidate for strong data": {
    snapshot: withReplica(killed(), "e", { health: "stale", lastReportAt: ago(6000) }),
    decision: {
      ruleId: "failover-guided",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "open-guided-runbook", runbookId: "unplanned-failover" },
      sentence: `${LOST}; no standby may be promoted automatically (pg-eu-west-1's agent is not reporting (stale); pg-europe-west3 is not a synchronous standby with everything acknowledged): opening unplanned-failover for a person, and alerting`,
    },
  },
  paused: {
    snapshot: { ...killed(), controls: { ...killed().controls, paused: { reason: "game day", until: null } } },
    decision: {
      ruleId: "failover-paused",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "paused" },
      sentence: `${LOST}; not failing over: automation is paused (game day); detection and alerts only`,
    },
  },
  "automatic failover off": {
    snapshot: { ...killed(), policy: { ...killed().policy, automatic: false } },
    decision: {
      ruleId: "failover-off",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "automatic-off" },
      sentence: `${LOST}; not failing over: automatic failover is off in policy v1`,
    },
  },
  "inside a maintenance window": {
    snapshot: inMaintenance(),
    decision: {
      ruleId: "failover-maintenance-window",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "maintenance" },
      sentence: `${LOST}; not failing over: the maintenance window "kernel patching" until 2025-06-01T04:00:00.000Z holds automatic failover: a person decides whether to fail over`,
    },
  },
  "inside the cooldown": {
    snapshot: { ...killed(), controls: { ...killed().controls, lastPromotions: { planned: null, unplanned: { at: ago(600_000) } } } },
    decision: {
      ruleId: "failover-cooling-down",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "cooldown" },
      sentence: `${LOST}; not failing over: automatic failover is cooling down after the failover at 2025-06-01T02:50:00.000Z until 2025-06-01T03:05:00.000Z (cooldown 15 min); a person must acknowledge to allow it sooner`,
    },
  },
  "a pre-failover gate refused the last automatic failover": {
    snapshot: { ...killed(), controls: { ...killed().controls, gateRefusal: { at: ago(60_000), runId: "run-9", error: "Pre-failover gate: change-freeze answered 409: change freeze until 23:00" } } },
    decision: {
      ruleId: "failover-gate-refused",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "gate-refused" },
      sentence: `${LOST}; not failing over: the pre-failover gate refused automatic failover run run-9 at 2025-06-01T02:59:00.000Z (Pre-failover gate: change-freeze answered 409: change freeze until 23:00); it is not asked again until 2025-06-01T03:14:00.000Z unless a person acknowledges`,
    },
  },
  "confirmed lost, but the witnesses stopped reaching it too recently for its lease to have lapsed": {
    snapshot: primaryLost(6000, 5500),
    decision: {
      ruleId: "failover-lease-held",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "primary-lease" },
      sentence:
        "pg-us-east-1's reports stopped 6 s ago (stale after 5 s), and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s; not failing over: waiting: pg-us-east-1's lease (5 s, last renewed at 2025-06-01T02:59:54.000Z) lapses, with the margin, at 2025-06-01T03:00:00.811Z",
    },
  },
  "the primary's agent says its server does not answer, witnesses agree": {
    snapshot: withReplica(primaryLost(8000, 7500), "p", { lastReportAt: ago(500), health: "unhealthy", reachable: false }),
    decision: {
      ruleId: "failover-automatic",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "fail-over", candidateId: "e", candidateName: "pg-eu-west-1" },
      sentence:
        "pg-us-east-1's agent reports that it does not answer, and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s; fail over to pg-eu-west-1 (aws:eu-west-1): synchronous, 0 B behind, priority 90",
    },
  },
  "the primary's agent restarts its crashed server in place": {
    snapshot: { ...withReplica(primaryLost(8000, 7500), "p", { lastReportAt: ago(500), health: "unhealthy", reachable: false }), inPlaceRestart: { replicaId: "p", state: "restarting", heardAt: ago(3000) } },
    decision: {
      ruleId: "failover-restarting-in-place",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "blocked", by: "restart-in-place" },
      sentence:
        "pg-us-east-1's agent reports that it does not answer, and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s; not failing over: pg-us-east-1's agent is restarting its crashed server in place; waiting up to 12 s more for it before failing over",
    },
  },
  "the primary's in-place restart has run past its hold": {
    snapshot: { ...withReplica(primaryLost(8000, 7500), "p", { lastReportAt: ago(500), health: "unhealthy", reachable: false }), inPlaceRestart: { replicaId: "p", state: "restarting", heardAt: ago(IN_PLACE_RESTART_HOLD_MS) } },
    decision: {
      ruleId: "failover-automatic",
      diagnosis: "primary_unreachable_confirmed",
      subject: "p",
      action: { kind: "fail-over", candidateId: "e", candidateName: "pg-eu-west-1" },
      sentence:
        "pg-us-east-1's agent reports that it does not answer, and 2 witnesses in other regions (quorum 2) have failed to reach it for at least 5 s; fail over to pg-eu-west-1 (aws:eu-west-1): synchronous, 0 B behind, priority 90",
    },
  },
  "a former primary back and accepting writes": {
    snapshot: withReplica(healthySnapshot(), "g", { reportedRole: "primary", walReceiverStatus: null, readOnly: false }),
    decision: {
      ruleId: "fence-former-primary",
      diagnosis: "former_primary",
      subject: "g",
      action: { kind: "fence" },
      sentence:
        "pg-europe-west3 reports itself a primary accepting writes, but the write route points at pg-us-east-1 (epoch 1): fencing it at epoch 1 (read-only, its sessions ended; commands from older epochs refused), then run reinstate-former-primary",
    },
  },
  "a former primary back, fenced": {
    snapshot: withReplica(healthySnapshot(), "g", { reportedRole: "primary", walReceiverStatus: null, readOnly: true }),
    decision: {
      ruleId: "former-primary-fenced",
      diagnosis: "former_primary",
      subject: "g",
      action: { kind: "alert" },
      sentence: "pg-europe-west3 reports itself a primary (read-only), but the write route points at pg-us-east-1 (epoch 1): it is fenced; run reinstate-former-primary to make it a standby again",
    },
  },
  "lagging standby": {
    snapshot: withReplica(healthySnapshot(), "g", { lagBytes: 2 * 1024 * 1024 }),
    decision: {
      ruleId: "standby-lagging",
      diagnosis: "standby_lagging",
      subject: "g",
      action: { kind: "alert" },
      sentence: "pg-europe-west3 lags 2.0 MiB, beyond the 1.0 MiB the policy allows for automatic failover",
    },
  },
  "sync standby lost": {
    snapshot: withReplica(healthySnapshot(), "e", { syncState: "potential" }),
    decision: {
      ruleId: "sync-standby-lost",
      diagnosis: "sync_standby_lost",
      subject: "p",
      action: { kind: "alert" },
      sentence: "pg-us-east-1 has no synchronous standby connected (expected pg-eu-west-1): commits on strong datasets wait and RPO 0 is at risk",
    },
  },
};

describe("decide", () => {
  for (const [name, { snapshot, decision }] of Object.entries(SCENARIOS)) {
    it(`${name} → ${decision.ruleId} ${decision.action.kind}`, () => {
      expect(decide(snapshot, NOW)).toEqual([decision]);
    });
  }

  it("blocks a confirmed loss while a run is in progress, and says the run is what it waits for", () => {
    const snapshot = { ...killed(), activeRuns: [{ id: "run-7", runbookId: "unplanned-failover", status: "waiting" }] };
    expect(decide(snapshot, NOW)).toEqual([
      { ruleId: "run-in-progress", diagnosis: "run_in_progress", subject: "run-7", action: { kind: "none" }, sentence: "run run-7 of unplanned-failover is waiting; automation waits for it to finish" },
      {
        ruleId: "failover-run-active",
        diagnosis: "primary_unreachable_confirmed",
        subject: "p",
        action: { kind: "blocked", by: "run-in-progress" },
        sentence: `${LOST}; not failing over: run run-7 of unplanned-failover is waiting; automation does not start another`,
      },
    ]);
  });

  it("asks a gate that refused again once the cooldown has passed, or a person acknowledged since", () => {
    const refused = (at: Date, acknowledgedAt: Date | null = null) => ({ ...killed(), controls: { ...killed().controls, acknowledgedAt, gateRefusal: { at, runId: "run-9", error: null } } });
    expect(decide(refused(ago(900_001)), NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
    expect(decide(refused(ago(60_000), ago(30_000)), NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
    expect(decide(refused(ago(60_000), ago(90_000)), NOW).map((decision) => decision.ruleId)).toEqual(["failover-gate-refused"]);
  });

  it("fails over once a person acknowledged the last failover, cooldown or not", () => {
    const snapshot = { ...killed(), controls: { ...killed().controls, lastPromotions: { planned: null, unplanned: { at: ago(600_000) } }, acknowledgedAt: ago(300_000) } };
    expect(decide(snapshot, NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
  });

  it("fails over after a planned switchover, which starts no cooldown unless the policy says so", () => {
    const switchedOver = { ...killed(), controls: { ...killed().controls, lastPromotions: { planned: { at: ago(600_000) }, unplanned: null } } };
    expect(decide(switchedOver, NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
    const [cooling] = decide({ ...switchedOver, policy: { ...switchedOver.policy, cooldownAfterSwitchover: true } }, NOW);
    expect(cooling).toMatchObject({ ruleId: "failover-cooling-down", action: { kind: "blocked", by: "cooldown" } });
    expect(cooling?.sentence).toBe(
      `${LOST}; not failing over: automatic failover is cooling down after the planned switchover at 2025-06-01T02:50:00.000Z until 2025-06-01T03:05:00.000Z (cooldown 15 min; the policy has switchovers start it too); a person must acknowledge to allow it sooner`,
    );
  });

  it("fails over in a maintenance window that keeps automatic failover armed, and once a window has ended", () => {
    const withWindow = (window: Partial<MaintenanceWindow>) => ({
      ...killed(),
      policy: { ...killed().policy, maintenanceWindows: [{ ...KERNEL_PATCHING, ...window }] },
    });
    expect(decide(withWindow({ automaticFailover: "armed" }), NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
    expect(decide(withWindow({ endsAt: NOW.toISOString() }), NOW).map((decision) => decision.ruleId)).toEqual(["failover-automatic"]);
  });

  it("puts a pause and a policy that turns automation off before a maintenance window, and a window before the cooldown", () => {
    const cooling = { ...inMaintenance(), controls: { ...killed().controls, lastPromotions: { planned: null, unplanned: { at: ago(1000) } } } };
    expect(decide(cooling, NOW).map((decision) => decision.ruleId)).toEqual(["failover-maintenance-window"]);
    expect(decide({ ...cooling, policy: { ...cooling.policy, automatic: false } }, NOW).map((decision) => decision.ruleId)).toEqual(["failover-off"]);
    expect(decide({ ...cooling, controls: { ...cooling.controls, paused: { reason: "x", until: null } } }, NOW).map((decision) => decision.ruleId)).toEqual(["failover-paused"]);
  });

  it("checks the brakes in the table's order: pause before policy before cooldown before runs", () => {
    const snapshot = {
      ...killed(),
      policy: { ...killed().policy, automatic: false },
      controls: { ...killed().controls, paused: { reason: "x", until: null }, lastPromotions: { planned: null, unplanned: { at: ago(1000) } } },
      activeRuns: [{ id: "r", runbookId: "u", status: "running" }],
    };
    expect(decide(snapshot, NOW).map((decision) => decision.ruleId)).toEqual(["run-in-progress", "failover-paused"]);
  });

  it("never fails over while a witness in another region still reaches the old primary, however long its own reports have stopped", () => {
    const snapshot = primaryLost(60_000, 59_000);
    const witnesses = snapshot.witnesses.map((link, index) => (link.toReplicaId === "p" && index === 2 ? { ...link, reachable: true, unreachableSince: null } : link));
    const ids = decide({ ...snapshot, witnesses, policy: { ...snapshot.policy, witnessQuorum: 1 } }, NOW).map((decision) => decision.ruleId);
    expect(ids).not.toContain("failover-automatic");
  });

  it("leaves roles to a run in progress: a promoted target is not taken for a former primary", () => {
    const snapshot = withReplica({ ...healthySnapshot(), activeRuns: [{ id: "r", runbookId: "planned-switchover", status: "running" }] }, "e", { reportedRole: "primary" });
    expect(decide(snapshot, NOW).map((decision) => decision.ruleId)).toEqual(["run-in-progress"]);
  });

  it("reaches every rule of the table through some scenario", () => {
    const reached = new Set(
      [...Object.values(SCENARIOS).map(({ snapshot }) => snapshot), { ...killed(), activeRuns: [{ id: "r", runbookId: "u", status: "running" }] }].flatMap((snapshot) =>
        decide(snapshot, NOW).map((decision) => decision.ruleId),
      ),
    );
    expect([...reached].sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });
});
