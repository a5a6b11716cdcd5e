import { describe, expect, it } from "vitest";
import type { AlertEscalationView, ScheduleView } from "@/contracts/oncall";
import { renderAlertEscalation, renderSchedules, renderServiceEscalation } from "./oncall";

const ada = { id: "u1", email: "ada@example.com", name: null, timeZone: "Europe/Berlin" };
const when = (at: string) => ({ at, local: "local" });
const schedule: ScheduleView = {
  id: "s1",
  name: "database",
  timeZone: "Europe/Berlin",
  period: "weekly",
  startDate: "2026-12-07",
  handoffTime: "09:00",
  people: [ada],
  overrides: [],
  onCallNow: { people: [], source: "nobody" },
  nextHandoffs: [{ at: when("2026-12-07T08:00:00.000Z"), from: [], to: [ada], toLocal: [] }],
  coverage: [{ startsAt: when("2026-12-05T00:00:00.000Z"), endsAt: when("2026-12-07T08:00:00.000Z"), people: [], kind: "gap" }],
  gaps: 1,
  overlaps: 0,
  usedBy: [],
};

describe("on-call rendering", () => {
  it("shows who is on call, the next handoff and gaps in capitals", () => {
    const text = renderSchedules({ schedules: [schedule] });
    expect(text).toContain("nobody");
    expect(text).toContain("→ ada@example.com");
    expect(text).toContain("1 GAP");
    expect(renderSchedules({ schedules: [] })).toBe("No on-call schedules.");
  });

  it("says when a service's critical alerts page nobody", () => {
    expect(renderServiceEscalation({ serviceId: "orders-db", policy: null, inherited: true })).toMatch(/page nobody/);
    expect(renderServiceEscalation({ serviceId: "orders-db", policy: { id: "p", name: "databases" }, inherited: true })).toBe('orders-db is paged by "databases" (the default policy).');
  });

  it("lists an alert's pages with their delivery", () => {
    const view: AlertEscalationView = {
      alertId: "a1",
      policy: { id: "p", name: "databases" },
      now: { rule: "wait-for-acknowledgement", sentence: "level 1 of 2 paged; escalates at … unless acknowledged", escalatesAt: "2026-12-07T08:05:00.000Z" },
      pages: [{ id: "pg", level: 1, person: ada, scheduleId: null, rule: "page-first-level", sentence: "paged level 1 of 2", sentAt: "2026-12-07T08:00:00.000Z", delivery: "failed", problem: "the webhook answered 500" }],
    };
    const text = renderAlertEscalation(view);
    expect(text).toContain('Policy "databases": level 1 of 2 paged');
    expect(text).toMatch(/ada@example.com.*failed.*the webhook answered 500/);
  });
});
