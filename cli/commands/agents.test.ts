import { describe, expect, it } from "vitest";
import { UsageError } from "../usage-error";
import { lifetimeSeconds } from "./agents";

describe("enroll-token --expires-in", () => {
  it("takes seconds, minutes, hours or days", () => {
    expect([lifetimeSeconds("600"), lifetimeSeconds("90s"), lifetimeSeconds("30m"), lifetimeSeconds("1h"), lifetimeSeconds("7d")]).toEqual([600, 90, 1800, 3600, 604_800]);
  });

  it("refuses anything else, naming the option", () => {
    for (const text of ["", "1.5h", "1w", "-1h", "h"]) expect(() => lifetimeSeconds(text)).toThrow(UsageError);
    expect(() => lifetimeSeconds("1w")).toThrow("--expires-in 1w: must be a duration like 30m, 1h or 7d");
  });
});
