import { describe, expect, it } from "vitest";
import { LIFETIME_SPREAD, MAX_REOPENING_WINDOW_MS, OPENING_RULES, openingDelayMs, openingRule, streamLifetimeMs, type OpeningCause } from "./stream-opening";

const almostOne = () => 0.999_999;

describe("the stream opening table", () => {
  it("declares each rule once with one sentence, ending in one that always matches", () => {
    const ids = OPENING_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of OPENING_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(OPENING_RULES.at(-1)!.when({ kind: "first" })).toBe(true);
  });

  it("decides every cause an agent meets", () => {
    const cases: [OpeningCause, string][] = [
      [{ kind: "first" }, "first-opening-spread"],
      [{ kind: "replaced" }, "replacement-at-once"],
      [{ kind: "failed", inARow: 1 }, "reopening-backs-off"],
      [{ kind: "failed", inARow: 9 }, "reopening-backs-off"],
      [{ kind: "shed", retryAfterMs: 4_000 }, "shed-waits-retry-after"],
    ];
    for (const [cause, id] of cases) expect([cause, openingRule(cause).id]).toEqual([cause, id]);
  });

  it("spreads a first opening over one report interval", () => {
    expect(openingDelayMs({ kind: "first" }, 1_000, () => 0)).toBe(0);
    expect(openingDelayMs({ kind: "first" }, 1_000, () => 0.5)).toBe(500);
    expect(openingDelayMs({ kind: "first" }, 5_000, almostOne)).toBe(4_999);
  });

  it("replaces a stream that lived its time at once", () => {
    expect(openingDelayMs({ kind: "replaced" }, 1_000, almostOne)).toBe(0);
  });

  it("doubles the window after each failure in a row, up to its bound, anywhere within it", () => {
    const windows = [1, 2, 3, 4, 5, 40].map((inARow) => openingDelayMs({ kind: "failed", inARow }, 1_000, almostOne) + 1);
    expect(windows).toEqual([1_000, 2_000, 4_000, MAX_REOPENING_WINDOW_MS, MAX_REOPENING_WINDOW_MS, MAX_REOPENING_WINDOW_MS]);
    expect(openingDelayMs({ kind: "failed", inARow: 3 }, 1_000, () => 0)).toBe(0);
    expect(openingDelayMs({ kind: "failed", inARow: 3 }, 1_000, () => 0.25)).toBe(1_000);
    // An interval longer than the bound is bounded too: a copy that came back hears from its fleet within it.
    expect(openingDelayMs({ kind: "failed", inARow: 1 }, 60_000, almostOne)).toBe(MAX_REOPENING_WINDOW_MS - 1);
  });

  it("waits out a shed opening's Retry-After, then anywhere within as long again", () => {
    expect(openingDelayMs({ kind: "shed", retryAfterMs: 4_000 }, 1_000, () => 0)).toBe(4_000);
    expect(openingDelayMs({ kind: "shed", retryAfterMs: 4_000 }, 1_000, () => 0.5)).toBe(6_000);
    expect(openingDelayMs({ kind: "shed", retryAfterMs: 4_000 }, 1_000, almostOne)).toBe(7_999);
  });

  it("keeps a stream between three quarters of its lifetime and all of it", () => {
    expect(streamLifetimeMs(240_000, () => 0)).toBe(240_000);
    expect(streamLifetimeMs(240_000, () => 0.5)).toBe(240_000 * (1 - LIFETIME_SPREAD / 2));
    expect(streamLifetimeMs(240_000, almostOne)).toBe(240_000 * (1 - LIFETIME_SPREAD) + 0);
  });
});
