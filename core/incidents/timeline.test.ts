import { describe, expect, it } from "vitest";
import { incidentTimeline, TIMELINE_LEAD_MS, TIMELINE_TAIL_MS, timelineWindow, type TimelineAlert, type TimelineAuditEvent } from "./timeline";

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 5, 3, 0, seconds));
const event = (seq: number, seconds: number, overrides: Partial<TimelineAuditEvent>): TimelineAuditEvent => ({
  seq: String(seq),
  at: at(seconds),
  actorType: "system",
  actorLabel: "system",
  action: "service.route",
  targetType: "service",
  targetId: "orders-db",
  serviceId: "orders-db",
  outcome: "success",
  reason: null,
  after: null,
  details: null,
  runId: null,
  ...overrides,
});
const alert: TimelineAlert = { id: "a1", ruleId: "heartbeat-stale", serviceId: "orders-db", subjectLabel: "pg-us-east-1", severity: "critical", startedAt: at(10), sentence: "pg-us-east-1 has not reported for 6 s" };

describe("timelineWindow", () => {
  it("starts a little before the first sign and ends a little after the resolution, or now while open", () => {
    expect(timelineWindow(at(10), at(50), at(90))).toEqual({ from: new Date(at(10).getTime() - TIMELINE_LEAD_MS), to: new Date(at(50).getTime() + TIMELINE_TAIL_MS) });
    expect(timelineWindow(at(10), null, at(90)).to).toEqual(at(90));
  });
});

describe("incidentTimeline", () => {
  const decide = event(7, 20, {
    actorType: "automation",
    actorLabel: "automation",
    action: "automation.decide",
    reason: "pg-us-east-1 is lost; fail over to pg-eu-west-1",
    details: { rule: "failover-automatic", action: { kind: "fail-over" } },
  });
  const fire = event(5, 12, { actorLabel: "alerting", action: "alert.fire", targetType: "alert", targetId: "a1", reason: alert.sentence, after: { rule: "heartbeat-stale", subject: "pg-us-east-1" } });
  const start = event(8, 20, { actorType: "automation", actorLabel: "automation", action: "run.start", runId: "r1", targetType: "run", targetId: "r1", after: { runbook: "unplanned-failover" }, details: { rule: "failover-automatic" } });
  const note = event(9, 40, { actorType: "user", actorLabel: "ada@example.com", action: "incident.status", reason: "promoted, watching", after: { status: "monitoring" } });

  it("puts alerts' starts and audit events in one order, ties by the chain's order", () => {
    const entries = incidentTimeline(timelineWindow(at(10), at(60), at(60)), [note, start, decide, fire], [alert]);
    expect(entries.map((entry) => [entry.source.kind, entry.source.id])).toEqual([
      ["alert", "a1"],
      ["audit", "5"],
      ["audit", "7"],
      ["audit", "8"],
      ["audit", "9"],
    ]);
  });

  it("says who or what did each thing, by which rule and why", () => {
    const [first, fired, decided, started, status] = incidentTimeline(timelineWindow(at(10), at(60), at(60)), [note, start, decide, fire], [alert]);
    expect(first).toMatchObject({ actor: { type: "system", label: "alerting" }, rule: "heartbeat-stale", why: alert.sentence, action: null });
    expect(fired!.what).toBe("Alert fired: heartbeat-stale on pg-us-east-1");
    expect(decided).toMatchObject({ actor: { type: "automation" }, what: "Automation decided: fail-over", rule: "failover-automatic", why: "pg-us-east-1 is lost; fail over to pg-eu-west-1" });
    expect(started).toMatchObject({ what: "Run unplanned-failover started by automation", runId: "r1" });
    expect(status).toMatchObject({ actor: { type: "user", label: "ada@example.com" }, what: "ada@example.com set the status to monitoring", why: "promoted, watching" });
  });

  it("leaves out what happened outside the window, and names an action it has no words for", () => {
    const early = event(1, -400, {});
    const late = event(20, 60 + TIMELINE_TAIL_MS / 1000 + 1, {});
    const odd = event(10, 30, { action: "policy.apply", targetType: "policy", targetId: "p1", actorLabel: "bo@example.com" });
    const entries = incidentTimeline(timelineWindow(at(10), at(60), at(999)), [early, late, odd], []);
    expect(entries.map((entry) => entry.what)).toEqual(["policy.apply (policy p1) by bo@example.com"]);
  });
});
