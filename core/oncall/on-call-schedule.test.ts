import { describe, expect, it } from "vitest";
import { coverage, handoffAt, nextHandoffs, onCallAt, shiftIndexAt, type OnCallSchedule } from "./on-call-schedule";

const berlinWeekly: OnCallSchedule = {
  id: "s1",
  name: "database on-call",
  timeZone: "Europe/Berlin",
  period: "weekly",
  startDate: "2026-03-23",
  handoffTime: "09:00",
  people: ["ada", "bob", "cyd"],
  overrides: [],
};
const at = (iso: string) => new Date(iso);

describe("weekly rotation across Berlin's spring-forward", () => {
  it("hands off at 09:00 Berlin time each Monday: 08:00 UTC in winter, 07:00 UTC in summer", () => {
    expect(handoffAt(berlinWeekly, 0).toISOString()).toBe("2026-03-23T08:00:00.000Z");
    expect(handoffAt(berlinWeekly, 1).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(handoffAt(berlinWeekly, 31).toISOString()).toBe("2026-10-26T08:00:00.000Z");
  });

  it("puts nobody on call before the first handoff, then each person in turn", () => {
    expect(onCallAt(berlinWeekly, at("2026-03-23T07:59:59Z"))).toEqual({ userIds: [], source: "nobody" });
    expect(onCallAt(berlinWeekly, at("2026-03-23T08:00:00Z"))).toEqual({ userIds: ["ada"], source: "rotation" });
    expect(onCallAt(berlinWeekly, at("2026-03-30T06:59:59Z")).userIds).toEqual(["ada"]);
    expect(onCallAt(berlinWeekly, at("2026-03-30T07:00:00Z")).userIds).toEqual(["bob"]);
    expect(onCallAt(berlinWeekly, at("2026-04-06T07:00:00Z")).userIds).toEqual(["cyd"]);
    expect(onCallAt(berlinWeekly, at("2026-04-13T07:00:00Z")).userIds).toEqual(["ada"]);
  });

  it("finds the shift of any instant, just before and at each handoff, a year on", () => {
    for (let index = 0; index < 60; index += 1) {
      const handoff = handoffAt(berlinWeekly, index);
      expect(shiftIndexAt(berlinWeekly, handoff)).toBe(index);
      expect(shiftIndexAt(berlinWeekly, new Date(handoff.getTime() - 1))).toBe(index === 0 ? null : index - 1);
    }
  });
});

describe("daily rotation across New York's clock changes", () => {
  const newYork: OnCallSchedule = { ...berlinWeekly, timeZone: "America/New_York", period: "daily", startDate: "2026-10-30", handoffTime: "08:30", people: ["ada", "bob"] };

  it("keeps the handoff at 08:30 New York time: the shift over the fall-back night lasts 25 hours", () => {
    expect(handoffAt(newYork, 2).toISOString()).toBe("2026-11-01T13:30:00.000Z");
    expect(handoffAt(newYork, 3).toISOString()).toBe("2026-11-02T13:30:00.000Z");
    expect(handoffAt(newYork, 1).toISOString()).toBe("2026-10-31T12:30:00.000Z");
    expect(handoffAt(newYork, 2).getTime() - handoffAt(newYork, 1).getTime()).toBe(25 * 3_600_000);
  });

  it("a handoff time the clocks skip happens an hour later that night", () => {
    const spring = { ...newYork, startDate: "2026-03-07", handoffTime: "02:30" };
    expect(handoffAt(spring, 0).toISOString()).toBe("2026-03-07T07:30:00.000Z");
    expect(handoffAt(spring, 1).toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(handoffAt(spring, 2).toISOString()).toBe("2026-03-09T06:30:00.000Z");
    expect(onCallAt(spring, at("2026-03-08T07:29:00Z")).userIds).toEqual(["ada"]);
    expect(onCallAt(spring, at("2026-03-08T07:30:00Z")).userIds).toEqual(["bob"]);
  });
});

describe("overrides, gaps and overlaps", () => {
  const covered: OnCallSchedule = {
    ...berlinWeekly,
    overrides: [
      { id: "o1", userId: "dee", startsAt: at("2026-03-24T10:00:00Z"), endsAt: at("2026-03-24T18:00:00Z") },
      { id: "o2", userId: "eve", startsAt: at("2026-03-24T16:00:00Z"), endsAt: at("2026-03-24T20:00:00Z") },
    ],
  };

  it("an override wins over the rotation for its range, end excluded", () => {
    expect(onCallAt(covered, at("2026-03-24T10:00:00Z"))).toEqual({ userIds: ["dee"], source: "override" });
    expect(onCallAt(covered, at("2026-03-24T20:00:00Z"))).toEqual({ userIds: ["ada"], source: "rotation" });
  });

  it("overlapping overrides put both people on call", () => {
    expect(onCallAt(covered, at("2026-03-24T17:00:00Z"))).toEqual({ userIds: ["dee", "eve"], source: "override" });
  });

  it("coverage shows the gap before the rotation starts, each override, the overlap and the handoffs", () => {
    const segments = coverage(covered, at("2026-03-23T00:00:00Z"), at("2026-03-31T00:00:00Z")).map((segment) => [
      segment.startsAt.toISOString(),
      segment.endsAt.toISOString(),
      segment.kind,
      segment.userIds.join("+"),
    ]);
    expect(segments).toEqual([
      ["2026-03-23T00:00:00.000Z", "2026-03-23T08:00:00.000Z", "gap", ""],
      ["2026-03-23T08:00:00.000Z", "2026-03-24T10:00:00.000Z", "rotation", "ada"],
      ["2026-03-24T10:00:00.000Z", "2026-03-24T16:00:00.000Z", "override", "dee"],
      ["2026-03-24T16:00:00.000Z", "2026-03-24T18:00:00.000Z", "overlap", "dee+eve"],
      ["2026-03-24T18:00:00.000Z", "2026-03-24T20:00:00.000Z", "override", "eve"],
      ["2026-03-24T20:00:00.000Z", "2026-03-30T07:00:00.000Z", "rotation", "ada"],
      ["2026-03-30T07:00:00.000Z", "2026-03-31T00:00:00.000Z", "rotation", "bob"],
    ]);
  });

  it("a one-person rotation is one segment however many handoffs pass", () => {
    const alone = { ...berlinWeekly, people: ["ada"] };
    expect(coverage(alone, at("2026-04-01T00:00:00Z"), at("2026-06-01T00:00:00Z"))).toHaveLength(1);
  });

  it("lists the next handoffs, from whom to whom", () => {
    const handoffs = nextHandoffs(covered, at("2026-03-24T09:00:00Z"), 3).map((handoff) => [handoff.at.toISOString(), handoff.fromUserIds.join("+"), handoff.toUserIds.join("+")]);
    expect(handoffs).toEqual([
      ["2026-03-24T10:00:00.000Z", "ada", "dee"],
      ["2026-03-24T16:00:00.000Z", "dee", "dee+eve"],
      ["2026-03-24T18:00:00.000Z", "dee+eve", "eve"],
    ]);
  });
});
