import { describe, expect, it } from "vitest";
import type { DrillView } from "@/contracts/drills";
import { renderDrill } from "./drills";

const drill: DrillView = {
  id: "d1",
  serviceId: "orders-db",
  runbookId: "planned-switchover",
  params: { service: "orders-db", to_region: "aws:eu-west-1" },
  switchBack: true,
  status: "failed",
  originalRegionId: "aws:us-east-1",
  runId: "r1",
  switchBackRunId: "r2",
  scheduleId: null,
  planId: null,
  startedBy: "op@example.com",
  reason: "rehearsal",
  error: null,
  createdAt: "2026-12-06T12:00:00.000Z",
  finishedAt: "2026-12-06T12:05:00.000Z",
  report: null,
  approval: null,
};

describe("renderDrill", () => {
  it("says a drill awaits a second person's approval, who asked and until when", () => {
    const text = renderDrill({
      ...drill,
      status: "awaiting_approval",
      runId: null,
      switchBackRunId: null,
      approval: { status: "pending", services: ["orders-db"], requestedBy: "op@example.com", expiresAt: "2026-12-06T16:00:00.000Z", decidedBy: null, decidedAt: null, note: null },
    });
    expect(text).toContain("awaiting_approval");
    expect(text).toContain("approval: AWAITING a second person's approval, asked by op@example.com (required by orders-db); expires 2026-12-06 16:00:00Z");
    expect(text).toContain("No run yet: it starts once a second person approves it.");
  });

  it("says who rejected a drill, with the note", () => {
    const text = renderDrill({
      ...drill,
      status: "rejected",
      approval: { status: "rejected", services: ["orders-db"], requestedBy: "op@example.com", expiresAt: "2026-12-06T16:00:00.000Z", decidedBy: "boss@example.com", decidedAt: "2026-12-06T12:01:00.000Z", note: "not during the sale" },
    });
    expect(text).toContain("approval: rejected by boss@example.com at 2026-12-06 12:01:00Z — not during the sale");
  });

  it("says when no report is written yet", () => {
    expect(renderDrill(drill)).toContain("No report yet");
  });

  it("shows the outcome, the measures and a row per verdict, over budget in capitals", () => {
    const text = renderDrill({
      ...drill,
      report: {
        passed: false,
        observedRtoMs: 12_000,
        lostWrites: 0,
        canary: { measured: true, sentence: "The canary had 40 writes acknowledged and 5 refused." },
        runRto: { method: "fence-to-new-primary-report", ms: 11_000, from: null, to: null, sentence: "From the fence." },
        switchBackRto: null,
        verdicts: [
          { dataset: "orders", budget: "rto", rule: "rto-over-budget", passed: false, observed: 12_000, limit: 10, sentence: "orders: writes resumed after 12 s, over its RTO budget of 10 s." },
          { dataset: "orders", budget: "rpo", rule: "strong-nothing-lost", passed: true, observed: 0, limit: 0, sentence: "orders: strong, and no acknowledged write was lost." },
        ],
        steps: [{ run: "drill", stepId: "fence-primary", title: "Fence", state: "succeeded", durationMs: 800 }],
        timeline: [],
        createdAt: "2026-12-06T12:05:00.000Z",
      },
    });
    expect(text).toContain("FAILED: observed RTO 12 s, acknowledged writes lost 0");
    expect(text).toContain("run: 11 s — From the fence.");
    expect(text).toMatch(/orders\s+RTO\s+OVER\s+orders: writes resumed after 12 s/);
    expect(text).toMatch(/drill\s+fence-primary\s+succeeded\s+800 ms/);
  });
});
