import { describe, expect, it } from "vitest";
import { nextDueAfter, overdueSentence, SCHEDULE_RULE_IDS, SCHEDULE_RULES, scheduleDecision, type ScheduleFacts } from "./drill-schedule";

const now = new Date("2026-12-06T12:00:00Z");
const due: ScheduleFacts = { disabled: false, nextDueAt: new Date("2026-12-06T11:00:00Z"), everyDays: 7, inMaintenanceWindow: false, windowOpen: false, busy: false };

describe("scheduleDecision", () => {
  it("declares every rule once, ending in the one that starts", () => {
    expect(SCHEDULE_RULES.map((rule) => rule.id)).toEqual([...SCHEDULE_RULE_IDS]);
    expect(SCHEDULE_RULES.filter((rule) => rule.start).map((rule) => rule.id)).toEqual(["start-drill"]);
  });

  it("starts a due drill, and holds one that is disabled, early, on a busy service or outside its window", () => {
    expect(scheduleDecision(due, now).id).toBe("start-drill");
    expect(scheduleDecision({ ...due, disabled: true }, now).id).toBe("schedule-disabled");
    expect(scheduleDecision({ ...due, nextDueAt: new Date("2026-12-06T13:00:00Z") }, now).id).toBe("not-due");
    expect(scheduleDecision({ ...due, busy: true }, now).id).toBe("service-busy");
    expect(scheduleDecision({ ...due, inMaintenanceWindow: true }, now).id).toBe("outside-maintenance-window");
    expect(scheduleDecision({ ...due, inMaintenanceWindow: true, windowOpen: true }, now).id).toBe("start-drill");
  });
});

describe("nextDueAfter", () => {
  it("counts from the due time and skips periods already past", () => {
    expect(nextDueAfter(new Date("2026-12-06T11:00:00Z"), 7, now).toISOString()).toBe("2026-12-13T11:00:00.000Z");
    expect(nextDueAfter(new Date("2026-11-01T11:00:00Z"), 7, now).toISOString()).toBe("2026-12-13T11:00:00.000Z");
  });
});

describe("overdueSentence", () => {
  it("says a schedule is overdue only past the grace", () => {
    const schedule = { serviceId: "orders-db", runbookId: "planned-switchover", nextDueAt: new Date("2026-12-04T11:00:00Z"), disabled: false };
    expect(overdueSentence(schedule, now)).toBe("The planned-switchover drill of orders-db was due 2026-12-04T11:00:00.000Z and has not run for 2 days past it.");
    expect(overdueSentence({ ...schedule, nextDueAt: new Date("2026-12-06T00:00:00Z") }, now)).toBeNull();
    expect(overdueSentence({ ...schedule, disabled: true }, now)).toBeNull();
  });
});
