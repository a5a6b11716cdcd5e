import { describe, expect, it } from "vitest";
import { addDays, daysBetween, formatInZone, instantOf, isTimeZone, offsetAt } from "./zoned-time";

describe("wall-clock time in a zone", () => {
  it("knows IANA zones and refuses anything else", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });

  it("reads offsets on both sides of Berlin's and New York's clock changes", () => {
    expect(offsetAt(Date.parse("2026-03-29T00:59:00Z"), "Europe/Berlin")).toBe(3_600_000);
    expect(offsetAt(Date.parse("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe(7_200_000);
    expect(offsetAt(Date.parse("2026-11-01T05:59:00Z"), "America/New_York")).toBe(-4 * 3_600_000);
    expect(offsetAt(Date.parse("2026-11-01T06:00:00Z"), "America/New_York")).toBe(-5 * 3_600_000);
  });

  it("turns a wall-clock time into its instant, in winter and summer", () => {
    expect(instantOf({ year: 2026, month: 1, day: 5, hour: 9, minute: 0 }, "Europe/Berlin").toISOString()).toBe("2026-01-05T08:00:00.000Z");
    expect(instantOf({ year: 2026, month: 7, day: 6, hour: 9, minute: 0 }, "Europe/Berlin").toISOString()).toBe("2026-07-06T07:00:00.000Z");
    expect(instantOf({ year: 2026, month: 7, day: 6, hour: 9, minute: 0 }, "UTC").toISOString()).toBe("2026-07-06T09:00:00.000Z");
  });

  it("moves a time the clocks skip forward by the gap, and takes the first of a time that happens twice", () => {
    expect(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, "Europe/Berlin").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, "Europe/Berlin").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  it("counts calendar days across month and year ends", () => {
    expect(addDays({ year: 2026, month: 12, day: 30 }, 3)).toEqual({ year: 2027, month: 1, day: 2 });
    expect(daysBetween({ year: 2026, month: 3, day: 1 }, { year: 2026, month: 2, day: 27 })).toBe(-2);
  });

  it("formats a time as a person in the zone reads it", () => {
    expect(formatInZone(new Date("2026-03-30T07:00:00Z"), "Europe/Berlin")).toBe("2026-03-30 09:00 GMT+2");
    expect(formatInZone(new Date("2026-03-30T07:00:00Z"), "UTC")).toBe("2026-03-30 07:00 UTC");
    expect(formatInZone(new Date("2026-11-02T14:00:00Z"), "America/New_York")).toBe("2026-11-02 09:00 EST");
  });
});
