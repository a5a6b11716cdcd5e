import { describe, expect, it } from "vitest";
import { parseLevel } from "./escalation-levels";

describe("--level", () => {
  it("reads minutes and targets: emails and schedules", () => {
    expect(parseLevel("5:ada@example.com, schedule:clx1")).toEqual({
      timeoutMinutes: 5,
      targets: [
        { type: "user", email: "ada@example.com" },
        { type: "schedule", scheduleId: "clx1" },
      ],
    });
  });

  it("leaves an empty level to the API to refuse, naming the field", () => {
    expect(parseLevel("10:")).toEqual({ timeoutMinutes: 10, targets: [] });
  });

  it("refuses what is not <minutes>:<targets>", () => {
    expect(() => parseLevel("ada@example.com")).toThrow(/write <minutes>:<email or schedule:id>/);
    expect(() => parseLevel("five:ada@example.com")).toThrow(/--level five:ada@example.com/);
  });
});
