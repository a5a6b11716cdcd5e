import { describe, expect, it } from "vitest";
import type { MaintenanceWindow } from "@/contracts/policy";
import { decideDue, DUE_RULES, SCHEDULE_RULES, validateSchedule, type DueFacts } from "./schedule-rules";

const now = new Date("2030-01-01T00:00:00Z");
const window: MaintenanceWindow = { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "kernel patching", automaticFailover: "held" };
const at = (iso: string) => new Date(iso);

describe("the schedule tables", () => {
  it("have unique, descriptive ids and one sentence per row", () => {
    for (const table of [SCHEDULE_RULES, DUE_RULES]) {
      const ids = table.map((row) => row.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const row of table) {
        expect(row.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
        expect(row.sentence, row.id).toMatch(/^[A-Z].*\.$/);
      }
    }
  });

  it("end the due table with the one row that starts the run, which applies always", () => {
    expect(DUE_RULES.filter((row) => row.action === "start").map((row) => row.id)).toEqual(["start-when-due"]);
    expect(DUE_RULES.at(-1)!.id).toBe("start-when-due");
  });
});

describe("validating a schedule", () => {
  it("accepts a time ahead, and one a few seconds in the past (clocks differ)", () => {
    expect(validateSchedule({ scheduledAt: at("2030-01-01T01:00:00Z"), inMaintenanceWindow: false }, { now, windows: [] })).toEqual({ ok: true });
    expect(validateSchedule({ scheduledAt: at("2029-12-31T23:59:30Z"), inMaintenanceWindow: false }, { now, windows: [] })).toEqual({ ok: true });
  });

  it("refuses a time in the past, naming scheduledAt and the time it is", () => {
    expect(validateSchedule({ scheduledAt: at("2029-12-31T23:58:00Z"), inMaintenanceWindow: false }, { now, windows: [] })).toEqual({
      ok: false,
      rule: "schedule-in-the-past",
      field: "scheduledAt",
      message: "2029-12-31T23:58:00.000Z is in the past (it is 2030-01-01T00:00:00.000Z); give a time ahead",
    });
  });

  it("refuses a time more than 90 days ahead", () => {
    expect(validateSchedule({ scheduledAt: at("2030-04-02T00:00:00Z"), inMaintenanceWindow: false }, { now, windows: [] })).toMatchObject({ ok: false, rule: "schedule-too-far-ahead" });
  });

  it("refuses a time outside every window when the run must start in one, listing the windows", () => {
    const verdict = validateSchedule({ scheduledAt: at("2030-01-01T04:00:00Z"), inMaintenanceWindow: true }, { now, windows: [window] });
    expect(verdict).toEqual({
      ok: false,
      rule: "schedule-outside-window",
      field: "scheduledAt",
      message:
        '2030-01-01T04:00:00.000Z is outside every maintenance window of the service\'s policy (its windows are 2030-01-01T02:00:00Z to 2030-01-01T04:00:00Z ("kernel patching"))',
    });
    expect(validateSchedule({ scheduledAt: at("2030-01-01T03:00:00Z"), inMaintenanceWindow: true }, { now, windows: [] })).toMatchObject({
      rule: "schedule-outside-window",
      message: expect.stringContaining("(it has none)"),
    });
  });

  it("accepts a time inside a window, and any time when no window is asked for", () => {
    expect(validateSchedule({ scheduledAt: at("2030-01-01T02:00:00Z"), inMaintenanceWindow: true }, { now, windows: [window] })).toEqual({ ok: true });
    expect(validateSchedule({ scheduledAt: at("2030-01-01T05:00:00Z"), inMaintenanceWindow: false }, { now, windows: [window] })).toEqual({ ok: true });
  });
});

const due = (overrides: Partial<DueFacts>): DueFacts => ({
  now: at("2030-01-01T02:00:05Z"),
  scheduledAt: at("2030-01-01T02:00:00Z"),
  inMaintenanceWindow: false,
  windows: [window],
  personRefused: null,
  definitionChanged: null,
  activeRun: null,
  blockers: [],
  ...overrides,
});

describe("deciding at a scheduled run's time", () => {
  it("waits before its time", () => {
    expect(decideDue(due({ now: at("2030-01-01T01:59:59Z") }))).toEqual({ rule: "not-due-yet", action: "wait", reason: "due at 2030-01-01T02:00:00.000Z" });
  });

  it("starts when due, inside its window, with nothing in the way", () => {
    expect(decideDue(due({ inMaintenanceWindow: true }))).toEqual({ rule: "start-when-due", action: "start", reason: "due and every check passes" });
  });

  it("refuses a start more than 15 minutes late, saying how late", () => {
    expect(decideDue(due({ now: at("2030-01-01T02:15:01Z") }))).toEqual({
      rule: "start-missed",
      action: "refuse",
      reason: "it was due at 2030-01-01T02:00:00.000Z and is 15 min late (at most 15 min)",
    });
    expect(decideDue(due({ now: at("2030-01-01T02:15:00Z") })).action).toBe("start");
  });

  it("refuses when the person who scheduled it may no longer start runs on the service", () => {
    expect(decideDue(due({ personRefused: "op@example.com is disabled" }))).toEqual({ rule: "person-no-longer-allowed", action: "refuse", reason: "op@example.com is disabled" });
  });

  it("refuses when the window it needs is no longer in force (the policy changed since)", () => {
    expect(decideDue(due({ inMaintenanceWindow: true, windows: [] }))).toEqual({
      rule: "window-not-in-force",
      action: "refuse",
      reason: "no maintenance window of the service's policy is in force at 2030-01-01T02:00:05.000Z (it has none)",
    });
  });

  it("refuses when the runbook changed, another run is active, or a pre-check fails, in that order", () => {
    const everything = { definitionChanged: "planned-switchover changed since", activeRun: "reinstate-former-primary, run-1", blockers: ["The target streams from the primary: it does not"] };
    expect(decideDue(due(everything)).rule).toBe("definition-changed");
    expect(decideDue(due({ ...everything, definitionChanged: null }))).toMatchObject({ rule: "another-run-active", reason: "another run is active on the service (reinstate-former-primary, run-1)" });
    expect(decideDue(due({ blockers: everything.blockers, definitionChanged: null }))).toEqual({
      rule: "pre-checks-fail",
      action: "refuse",
      reason: "its pre-checks fail now: The target streams from the primary: it does not",
    });
  });
});
