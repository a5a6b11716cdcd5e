import { describe, expect, it } from "vitest";
import { rpoBudgetSeconds, stalenessWindowMs } from "./budgets";

describe("stalenessWindowMs", () => {
  it("is the heartbeat interval times the misses, in milliseconds", () => {
    expect(stalenessWindowMs({ intervalSeconds: 1, missesBeforeUnfit: 5 })).toBe(5_000);
    expect(stalenessWindowMs({ intervalSeconds: 0.5, missesBeforeUnfit: 3 })).toBe(1_500);
  });
});

describe("rpoBudgetSeconds", () => {
  it("is the tightest budget among eventual datasets", () => {
    expect(
      rpoBudgetSeconds([
        { consistency: "strong", rpoSeconds: 0 },
        { consistency: "eventual", rpoSeconds: 30 },
        { consistency: "eventual", rpoSeconds: 5 },
      ]),
    ).toBe(5);
  });

  it("is null without an eventual dataset with a budget", () => {
    expect(rpoBudgetSeconds([{ consistency: "strong", rpoSeconds: 0 }])).toBeNull();
    expect(rpoBudgetSeconds([{ consistency: "eventual", rpoSeconds: 0 }])).toBeNull();
  });
});
