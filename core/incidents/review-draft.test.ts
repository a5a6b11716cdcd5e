import { describe, expect, it } from "vitest";
import { reviewDraft, reviewMilestones, REVIEW_FILL_IN_SECTIONS, type ReviewRecord } from "./review-draft";
import type { TimelineEntry } from "./timeline";

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 5, 3, 0, seconds));
const entry = (seconds: number, overrides: Partial<TimelineEntry>): TimelineEntry => ({
  at: at(seconds),
  source: { kind: "audit", id: String(seconds) },
  action: "service.route",
  actor: { type: "system", label: "system" },
  serviceId: "orders-db",
  what: "something",
  rule: null,
  why: null,
  runId: null,
  outcome: "success",
  ...overrides,
});

const record: ReviewRecord = {
  incident: {
    id: "inc1",
    title: "orders-db: Heartbeat stale on pg-us-east-1",
    serviceIds: ["orders-db"],
    status: "resolved",
    firstSignAt: at(10),
    openedAt: at(14),
    resolvedAt: at(70),
    openedBy: "alerting",
    openRule: "page-alert-opens",
    commander: "ada@example.com",
    responders: ["bo@example.com"],
  },
  updates: [
    { status: "investigating", note: "Heartbeat stale on pg-us-east-1", author: "alerting", at: at(14) },
    { status: "resolved", note: "writes flow | to eu", author: "ada@example.com", at: at(70) },
  ],
  timeline: [
    entry(10, { source: { kind: "alert", id: "a1" }, action: null, actor: { type: "system", label: "alerting" }, what: "Condition started holding", rule: "heartbeat-stale" }),
    entry(14, { action: "alert.fire", what: "Alert fired", rule: "heartbeat-stale" }),
    entry(20, { action: "automation.decide", actor: { type: "automation", label: "automation" }, what: "Automation decided: fail-over", rule: "failover-automatic", why: "pg-us-east-1 is lost; fail over to pg-eu-west-1" }),
    entry(21, { action: "run.start", actor: { type: "automation", label: "automation" }, what: "Run started", rule: "failover-automatic", runId: "r1" }),
    entry(22, { action: "run.step", actor: { type: "automation", label: "automation" }, what: "Step fence succeeded", rule: "step-succeeded", runId: "r1" }),
    entry(40, { action: "automation.acknowledge", actor: { type: "user", label: "ada@example.com" }, what: "ada acknowledged the failover", why: "checked the old primary" }),
  ],
  runs: [
    {
      id: "r1",
      serviceId: "orders-db",
      runbookId: "unplanned-failover",
      mode: "automatic",
      startedBy: "automation (failover-automatic)",
      status: "succeeded",
      startedAt: at(21),
      finishedAt: at(30),
      observedRtoMs: 8_400,
      observedRtoSentence: "From the old primary's last report as primary to the new primary's first report as primary with the write route pointing at it.",
    },
  ],
  datasets: [
    { serviceId: "orders-db", name: "orders", consistency: "strong", rpoSeconds: 0, rtoSeconds: 30 },
    { serviceId: "billing-db", name: "invoices", consistency: "eventual", rpoSeconds: 5, rtoSeconds: 60 },
  ],
};

describe("reviewMilestones", () => {
  it("measures from the first sign in the record", () => {
    expect(reviewMilestones(record)).toEqual({ firstSign: at(10), firstAlertFired: at(14), incidentOpened: at(14), firstDecision: at(20), resolved: at(70) });
  });

  it("takes the incident's first sign when the timeline has no earlier one, and a run start as the decision when nothing decided before", () => {
    const timeline = record.timeline.filter((item) => item.action !== "automation.decide" && item.action !== null);
    expect(reviewMilestones({ ...record, timeline })).toMatchObject({ firstSign: at(10), firstDecision: at(21) });
  });

  it("does not count a held-back decision (a failure) as acting", () => {
    const timeline = record.timeline.map((item) => (item.action === "automation.decide" ? { ...item, outcome: "failure" as const } : item));
    expect(reviewMilestones({ ...record, timeline }).firstDecision).toEqual(at(21));
  });
});

describe("reviewDraft", () => {
  const draft = reviewDraft(record);

  it("gives detection, paging, decision and resolution times", () => {
    expect(draft).toContain("- Detection (first sign → alert fired): 4 s");
    expect(draft).toContain("- Paging (first sign → incident opened): 4 s");
    expect(draft).toContain("- Decision (first sign → first action, by the automation or a person): 10 s");
    expect(draft).toContain("- Resolution (first sign → resolved): 60 s");
  });

  it("holds the run's observed RTO against the budgets of its own service's datasets", () => {
    expect(draft).toContain("- Observed RTO: 8.4 s (8400 ms) — From the old primary's last report");
    expect(draft).toContain("- RTO within budget: orders: writes resumed after 8.4 s, within its RTO budget of 30 s.");
    expect(draft).not.toContain("invoices");
  });

  it("says what the automation did with its rule's sentence, and what people did by hand", () => {
    expect(draft).toContain("rule `failover-automatic` — pg-us-east-1 is lost; fail over to pg-eu-west-1");
    expect(draft).not.toContain("Step fence succeeded: rule");
    expect(draft).toContain("- 2026-12-05T03:00:40Z — ada@example.com: ada acknowledged the failover — checked the old primary");
  });

  it("keeps table cells whole and leaves the sections people write", () => {
    expect(draft).toContain("| 2026-12-05T03:00:20Z | automation: automation | Automation decided: fail-over | `failover-automatic` | pg-us-east-1 is lost; fail over to pg-eu-west-1 |");
    expect(draft).toContain("writes flow | to eu");
    for (const section of REVIEW_FILL_IN_SECTIONS) expect(draft).toContain(`## ${section}\n\n_To be written by the people who were there._`);
  });

  it("says so when nothing ran, nobody acted and the automation decided nothing", () => {
    const quiet = reviewDraft({ ...record, runs: [], timeline: [], updates: [] });
    expect(quiet).toContain("_No run was started during the incident, so no RTO was observed._");
    expect(quiet).toContain("_The automation took no decision in the incident's window._");
    expect(quiet).toContain("_Nobody acted by hand in the incident's window._");
    expect(quiet).toContain("- Detection (first sign → alert fired): no alert fired");
  });
});
