import { describe, expect, it } from "vitest";
import { utcIsoString } from "./utc-iso-format";

const v8 = (time: number) => new Date(time).toISOString();
const MAX = 8.64e15;

describe("the agent's UTC ISO format", () => {
  it("formats every date as V8's toISOString does: edges, years beyond four digits, before the epoch", () => {
    const edges = [0, -1, 1, MAX, -MAX, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(0, 0, 1) - 1, Date.UTC(-1, 5, 15), Date.UTC(2024, 1, 29, 12), Date.UTC(1969, 11, 31, 23, 59, 59, 999)];
    for (const time of edges) expect([time, utcIsoString(new Date(time))]).toEqual([time, v8(time)]);
  });

  it("formats 20,000 random times across the whole range of a Date as V8 does", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 20_000; i++) {
      const time = Math.round((random() * 2 - 1) * (i % 2 === 0 ? MAX : 4e12));
      const ours = utcIsoString(new Date(time));
      if (ours !== v8(time)) expect([time, ours]).toEqual([time, v8(time)]);
    }
  });

  it("refuses an invalid date as V8 does", () => {
    expect(() => utcIsoString(new Date(NaN))).toThrow(new RangeError("Invalid time value"));
    expect(() => new Date(NaN).toISOString()).toThrow(new RangeError("Invalid time value"));
  });
});
