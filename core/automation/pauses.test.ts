import { describe, expect, it } from "vitest";
import { governingPause, pauseExpiryProblem, pauseInForce } from "./pauses";

const now = new Date("2026-11-26T10:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe("pause expiry", () => {
  it("accepts a future expiry up to 7 days away", () => {
    expect(pauseExpiryProblem(at(1), now)).toBeNull();
    expect(pauseExpiryProblem(at(7 * 24 * 60), now)).toBeNull();
  });

  it("refuses an expiry in the past, now, or beyond 7 days", () => {
    expect(pauseExpiryProblem(at(-1), now)).toMatch(/must be in the future/);
    expect(pauseExpiryProblem(now, now)).toMatch(/must be in the future/);
    expect(pauseExpiryProblem(at(7 * 24 * 60 + 1), now)).toBe("expiresAt must be at most 7 days away");
  });
});

describe("pauses in force", () => {
  it("excludes ended and expired pauses", () => {
    expect(pauseInForce({ reason: "r", expiresAt: at(10), endedAt: null }, now)).toBe(true);
    expect(pauseInForce({ reason: "r", expiresAt: at(10), endedAt: at(-1) }, now)).toBe(false);
    expect(pauseInForce({ reason: "r", expiresAt: now, endedAt: null }, now)).toBe(false);
  });

  it("picks the pause in force that ends last", () => {
    const global = { reason: "global freeze", expiresAt: at(30), endedAt: null };
    const own = { reason: "maintenance", expiresAt: at(60), endedAt: null };
    const longerButEnded = { reason: "ended", expiresAt: at(600), endedAt: at(-5) };
    expect(governingPause([global, own, longerButEnded], now)).toBe(own);
    expect(governingPause([global, own], at(45))).toBe(own);
    expect(governingPause([global, own], at(61))).toBeNull();
    expect(governingPause([global, { ...own, expiresAt: at(20) }], now)).toBe(global);
    expect(governingPause([], now)).toBeNull();
  });
});
