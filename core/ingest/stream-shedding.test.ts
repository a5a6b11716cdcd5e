import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_S, MIN_RETRY_AFTER_S, retryAfterSeconds, SHED_BEHIND_MS, SHEDDING_RULES, sheddingRule } from "./stream-shedding";

describe("the stream shedding table", () => {
  it("declares each rule once with one sentence, ending in one that always matches", () => {
    const ids = SHEDDING_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of SHEDDING_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
    expect(SHEDDING_RULES.at(-1)!.when({ behindMs: Number.POSITIVE_INFINITY })).toBe(true);
  });

  it("opens streams while the group commit keeps up, and sheds openings once its oldest batch has waited past the bound", () => {
    const cases: [number, string, boolean][] = [
      [0, "keeping-up", false],
      [250, "keeping-up", false],
      [SHED_BEHIND_MS, "keeping-up", false],
      [SHED_BEHIND_MS + 1, "group-commit-behind", true],
      [60_000, "group-commit-behind", true],
    ];
    for (const [behindMs, id, shed] of cases) expect([behindMs, sheddingRule({ behindMs }).id, sheddingRule({ behindMs }).shed]).toEqual([behindMs, id, shed]);
  });

  it("tells a shed opening to come back after twice the copy's delay, in whole seconds within bounds", () => {
    expect(retryAfterSeconds({ behindMs: SHED_BEHIND_MS + 1 })).toBe(Math.ceil((2 * (SHED_BEHIND_MS + 1)) / 1000));
    expect(retryAfterSeconds({ behindMs: 4_000 })).toBe(8);
    expect(retryAfterSeconds({ behindMs: 100 })).toBe(MIN_RETRY_AFTER_S);
    expect(retryAfterSeconds({ behindMs: 10 * 60_000 })).toBe(MAX_RETRY_AFTER_S);
  });
});
