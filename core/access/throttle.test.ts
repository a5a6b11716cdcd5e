import { describe, expect, it } from "vitest";
import { afterFailure, lockRemainingMs, type ThrottleLimits, type ThrottleState } from "./throttle";

const limits: ThrottleLimits = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };
const t = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 4, 0, 0) + seconds * 1000);

function failures(times: number[]): ThrottleState | null {
  return times.reduce<ThrottleState | null>((state, at) => afterFailure(state, t(at), limits), null);
}

describe("sign-in throttling", () => {
  it("does not lock below the limit", () => {
    const state = failures([0, 10]);
    expect(state?.failures).toBe(2);
    expect(lockRemainingMs(state, t(11))).toBe(0);
  });

  it("locks for lockMs at the limit within the window", () => {
    const state = failures([0, 10, 20]);
    expect(lockRemainingMs(state, t(21))).toBe(299_000);
    expect(lockRemainingMs(state, t(320))).toBe(0);
  });

  it("starts counting again once the window has passed", () => {
    const state = failures([0, 10, 61]);
    expect(state?.failures).toBe(1);
    expect(state?.windowStartsAt).toEqual(t(61));
    expect(lockRemainingMs(state, t(62))).toBe(0);
  });

  it("keeps an existing lock when a later failure opens a new window", () => {
    const locked = failures([0, 10, 20]);
    const after = afterFailure(locked, t(100), limits);
    expect(after.failures).toBe(1);
    expect(lockRemainingMs(after, t(101))).toBe(219_000);
  });

  it("reports no lock for a key never seen", () => {
    expect(lockRemainingMs(null, t(0))).toBe(0);
  });
});
