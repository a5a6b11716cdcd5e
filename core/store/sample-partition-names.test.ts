import { describe, expect, it } from "vitest";
import { dayPartitionName, hourPartitionName, partitionWindow } from "./sample-partition-names";

describe("Sample partition names", () => {
  const at = Date.parse("2026-12-06T13:45:10Z");

  it("name a day and an hour in UTC", () => {
    expect(dayPartitionName(at)).toBe("Sample_20261206");
    expect(hourPartitionName(at)).toBe("Sample_20261206h13");
    expect(hourPartitionName(Date.parse("2026-12-06T00:00:00Z"))).toBe("Sample_20261206h00");
  });

  it("read back as the window they hold", () => {
    expect(partitionWindow("Sample_20261206")).toEqual({ width: "day", start: Date.parse("2026-12-06T00:00:00Z"), end: Date.parse("2026-12-07T00:00:00Z") });
    expect(partitionWindow("Sample_20261206h13")).toEqual({ width: "hour", start: Date.parse("2026-12-06T13:00:00Z"), end: Date.parse("2026-12-06T14:00:00Z") });
    expect(partitionWindow(hourPartitionName(at))!.start).toBe(Date.parse("2026-12-06T13:00:00Z"));
  });

  it.each(["Sample_default", "Sample_2026120", "Sample_20261206h1", "Sample_20261206x13", "Sample_20261399", "Sample_20261206h25", "SampleRollup"])("ignore %s", (name) => {
    expect(partitionWindow(name)).toBeNull();
  });
});
