import { describe, expect, it } from "vitest";
import { availability, dailyHistory, incidentSegments, HISTORY_DAYS } from "./status-history";

const at = (text: string) => new Date(text);
const now = at("2026-12-05T12:00:00Z");

describe("an incident's segments", () => {
  it("put the component in a partial outage until monitoring, degraded until resolved, and nothing after", () => {
    const segments = incidentSegments([
      { status: "monitoring", at: at("2026-12-05T10:30:00Z") },
      { status: "investigating", at: at("2026-12-05T10:00:00Z") },
      { status: "identified", at: at("2026-12-05T10:10:00Z") },
      { status: "resolved", at: at("2026-12-05T11:00:00Z") },
    ]);
    expect(segments).toEqual([
      { from: at("2026-12-05T10:00:00Z"), to: at("2026-12-05T10:10:00Z"), state: "partial_outage" },
      { from: at("2026-12-05T10:10:00Z"), to: at("2026-12-05T10:30:00Z"), state: "partial_outage" },
      { from: at("2026-12-05T10:30:00Z"), to: at("2026-12-05T11:00:00Z"), state: "degraded_performance" },
    ]);
  });

  it("of an open incident last until now", () => {
    expect(incidentSegments([{ status: "investigating", at: at("2026-12-05T10:00:00Z") }])).toEqual([{ from: at("2026-12-05T10:00:00Z"), to: null, state: "partial_outage" }]);
  });
});

describe("the daily history", () => {
  it("holds 90 UTC days, oldest first, ending today", () => {
    const history = dailyHistory([], now);
    expect(history).toHaveLength(HISTORY_DAYS);
    expect(history[0]!.day).toBe("2026-09-07");
    expect(history.at(-1)!.day).toBe("2026-12-05");
    expect(history.every((day) => day.state === "operational" && day.outageMinutes === 0)).toBe(true);
  });

  it("gives each day its worst state and counts overlapping outages once", () => {
    const history = dailyHistory(
      [
        { from: at("2026-12-04T10:00:00Z"), to: at("2026-12-04T10:30:00Z"), state: "partial_outage" },
        { from: at("2026-12-04T10:20:00Z"), to: at("2026-12-04T10:40:00Z"), state: "major_outage" },
        { from: at("2026-12-04T11:00:00Z"), to: at("2026-12-04T13:00:00Z"), state: "degraded_performance" },
      ],
      now,
      3,
    );
    expect(history).toEqual([
      { day: "2026-12-03", state: "operational", outageMinutes: 0 },
      { day: "2026-12-04", state: "major_outage", outageMinutes: 40 },
      { day: "2026-12-05", state: "operational", outageMinutes: 0 },
    ]);
  });

  it("splits a segment across midnight and runs an open one until now", () => {
    const history = dailyHistory([{ from: at("2026-12-04T23:30:00Z"), to: null, state: "partial_outage" }], now, 2);
    expect(history).toEqual([
      { day: "2026-12-04", state: "partial_outage", outageMinutes: 30 },
      { day: "2026-12-05", state: "partial_outage", outageMinutes: 720 },
    ]);
  });

  it("leaves out what happened before its first day", () => {
    expect(dailyHistory([{ from: at("2026-01-01T00:00:00Z"), to: at("2026-01-02T00:00:00Z"), state: "major_outage" }], now).every((day) => day.state === "operational")).toBe(true);
  });
});

describe("availability", () => {
  it("is the share of the elapsed period without outage", () => {
    const history = dailyHistory([{ from: at("2026-12-05T11:00:00Z"), to: at("2026-12-05T11:36:00Z"), state: "major_outage" }], now, 1);
    expect(availability(history, now)).toBe(95);
    expect(availability(dailyHistory([], now, 1), now)).toBe(100);
  });
});
