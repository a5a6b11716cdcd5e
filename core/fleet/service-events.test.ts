import { describe, expect, it } from "vitest";
import { summariseServiceEvent, type AuditEventFacts } from "./service-events";

const event = (facts: Partial<AuditEventFacts>): AuditEventFacts => ({
  action: "service.route",
  actorLabel: "runbook engine",
  outcome: "success",
  reason: null,
  before: null,
  after: null,
  details: null,
  ...facts,
});

describe("summariseServiceEvent", () => {
  it("names both ends of a write-route change", () => {
    expect(summariseServiceEvent(event({ before: { writeReplica: "pg-us-east-1" }, after: { writeReplica: "pg-eu-west-1" } }))).toBe(
      "Write route pg-us-east-1 → pg-eu-west-1",
    );
  });

  it("says when a route had none before", () => {
    expect(summariseServiceEvent(event({ before: { writeReplica: null }, after: { writeReplica: "pg-a" } }))).toBe("Write route none → pg-a");
  });

  it("names the epoch change and the promoted candidate", () => {
    expect(
      summariseServiceEvent(event({ action: "service.epoch", before: { epoch: 3 }, after: { epoch: 4 }, details: { proof: { candidate: "pg-eu-west-1" } } })),
    ).toBe("Epoch 3 → 4, promoting pg-eu-west-1");
    expect(
      summariseServiceEvent(event({ action: "service.epoch", before: { epoch: 4 }, after: { epoch: 5 }, details: { promotion: "planned", proof: { candidate: "pg-us-east-1" } } })),
    ).toBe("Epoch 4 → 5, promoting pg-us-east-1 (planned switchover)");
  });

  it("names who started which runbook, and why", () => {
    expect(summariseServiceEvent(event({ action: "run.start", actorLabel: "ops@example.com", reason: "maintenance", after: { runbook: "planned-switchover" } }))).toBe(
      "ops@example.com started planned-switchover: maintenance",
    );
  });

  it("says what a region evacuation plan did with the service, and why", () => {
    expect(summariseServiceEvent(event({ action: "plan.service", reason: "its primary catalog-eu is in aws:eu-west-1", after: { state: "not_needed" }, details: { plan: "p1", rule: "service-has-nothing-to-move" } }))).toBe(
      "Region evacuation plan p1: not needed: its primary catalog-eu is in aws:eu-west-1",
    );
  });

  it("gives a run's outcome with its error", () => {
    expect(summariseServiceEvent(event({ action: "run.finish", outcome: "failure", reason: "Promote: timed out", after: { status: "failed" } }))).toBe(
      "Run failed: Promote: timed out",
    );
  });

  it("gives a finished run's observed RTO, and a drill's start and measures", () => {
    expect(summariseServiceEvent(event({ action: "run.finish", after: { status: "succeeded", observedRtoMs: 1234, observedRtoMethod: "fence-to-new-primary-report" } }))).toBe(
      "Run succeeded, writes refused for 1.2 s",
    );
    expect(summariseServiceEvent(event({ action: "drill.start", actorLabel: "ops@example.com", reason: "quarterly rehearsal", after: { runbook: "planned-switchover", switchBack: true } }))).toBe(
      "ops@example.com started a drill of planned-switchover, switching back: quarterly rehearsal",
    );
    expect(summariseServiceEvent(event({ action: "drill.finish", after: { status: "passed", observedRtoMs: 1500, lostWrites: 0 } }))).toBe("Drill passed: observed RTO 1.5 s, 0 acknowledged writes lost");
    expect(summariseServiceEvent(event({ action: "drill.start", actorLabel: "ops@example.com", reason: "rehearsal", after: { runbook: "planned-switchover", switchBack: false, status: "awaiting_approval" } }))).toBe(
      "ops@example.com started a drill of planned-switchover (awaiting a second person's approval): rehearsal",
    );
    expect(summariseServiceEvent(event({ action: "drill.approve", actorLabel: "approver@example.com", reason: "quiet hour" }))).toBe("approver@example.com approved the drill: quiet hour");
    expect(summariseServiceEvent(event({ action: "drill.reject", actorLabel: "approver@example.com", reason: "not during the sale" }))).toBe("approver@example.com rejected the drill: not during the sale");
    expect(summariseServiceEvent(event({ action: "drill.expire", actorLabel: "drill approvals" }))).toBe("Drill expired unapproved: nothing started");
    expect(summariseServiceEvent(event({ action: "drill.finish", outcome: "failure", reason: "The drill's run failed.", after: { status: "failed", observedRtoMs: null, lostWrites: null } }))).toBe(
      "Drill failed: observed RTO not measured, lost writes not measured: The drill's run failed.",
    );
  });

  it("says who paused a run", () => {
    expect(summariseServiceEvent(event({ action: "run.pause", actorLabel: "ops@example.com", reason: "hold on" }))).toBe("ops@example.com paused the run: hold on");
  });

  it("gives an alert's sentence", () => {
    expect(summariseServiceEvent(event({ action: "alert.fire", reason: "pg-b lags 12 s" }))).toBe("Alert firing: pg-b lags 12 s");
    expect(summariseServiceEvent(event({ action: "alert.resolve", reason: "pg-b lags 12 s" }))).toBe("Alert resolved: pg-b lags 12 s");
  });

  it("falls back to the action, actor, outcome and reason", () => {
    expect(summariseServiceEvent(event({ action: "policy.apply", actorLabel: "admin@localhost", outcome: "failure", reason: "v3" }))).toBe(
      "policy.apply by admin@localhost (failed): v3",
    );
  });

  it("copes with missing before/after documents", () => {
    expect(summariseServiceEvent(event({ action: "service.epoch" }))).toBe("Epoch ? → ?");
  });
});
