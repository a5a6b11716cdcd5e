import { describe, expect, it } from "vitest";
import { CLOCK_RATE_DRIFT, failoverWaitMs, FENCE_LEAD_MS, FENCE_OVERRUN_MS, leaseLapseMarginMs, primaryLeaseMs, rpoBudgetSeconds, shortestPrimaryLeaseMs, stalenessWindowMs } from "./budgets";

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

describe("the primary's lease", () => {
  it("lasts the window unless the policy sets it", () => {
    expect(primaryLeaseMs({ intervalSeconds: 1, missesBeforeUnfit: 5 })).toBe(5_000);
    expect(primaryLeaseMs({ intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 2.2 })).toBe(2_200);
  });

  it("must outlast two heartbeats and the fence's lead", () => {
    expect(shortestPrimaryLeaseMs({ intervalSeconds: 0.5 })).toBe(1_000 + FENCE_LEAD_MS);
  });

  it("adds to a failover's wait only what it lasts beyond the window less the vouch allowance and its margin", () => {
    // Demo policy: window 5 s, lease 5 s: 1 s + 5 s + ⌈6000·ρ/(1−ρ)⌉ + overrun.
    expect(failoverWaitMs({ intervalSeconds: 1, missesBeforeUnfit: 5 })).toBe(1_000 + 5_000 + 61 + FENCE_OVERRUN_MS);
    // A lease that lapses by the time the loss is confirmed: the window alone.
    expect(failoverWaitMs({ intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 2.2 })).toBe(3_500);
    expect(failoverWaitMs({ intervalSeconds: 0.5, missesBeforeUnfit: 7, primaryLeaseSeconds: 2.3 })).toBe(1_000 + 2_300 + 34 + FENCE_OVERRUN_MS);
  });

  it("is given a margin that grows with the clocks' drift over the span measured", () => {
    expect(leaseLapseMarginMs(0)).toBe(FENCE_OVERRUN_MS);
    expect(leaseLapseMarginMs(99_000)).toBe(1_000 + FENCE_OVERRUN_MS);
    expect(CLOCK_RATE_DRIFT).toBe(0.01);
  });
});
