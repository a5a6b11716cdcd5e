import { describe, expect, it } from "vitest";
import { RETENTION_RULES, retentionPlan } from "./retention-plan";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("retention plan", () => {
  it("keeps raw samples for 48 hours on a small fleet, as before this table", () => {
    const plan = retentionPlan(3);
    expect(plan.rule.id).toBe("small-fleet");
    expect(plan).toMatchObject({ rawMs: 48 * HOUR, minuteRollupMs: 30 * DAY, hourRollupMs: 400 * DAY, partitions: "day", overridden: [] });
  });

  it.each([
    [0, "small-fleet"],
    [300, "small-fleet"],
    [301, "medium-fleet"],
    [1_500, "medium-fleet"],
    [1_501, "large-fleet"],
    [10_000, "large-fleet"],
  ])("a fleet of %i replicas follows %s", (replicas, id) => {
    expect(retentionPlan(replicas).rule.id).toBe(id);
  });

  it("keeps less raw data and fewer minutes as the fleet grows, and hours for months whatever its size", () => {
    for (const [smaller, larger] of RETENTION_RULES.slice(0, -1).map((rule, i) => [rule, RETENTION_RULES[i + 1]!] as const)) {
      expect(larger.maxReplicas).toBeGreaterThan(smaller.maxReplicas);
      expect(larger.levels.rawMs).toBeLessThan(smaller.levels.rawMs);
      expect(larger.levels.minuteRollupMs).toBeLessThan(smaller.levels.minuteRollupMs);
    }
    for (const rule of RETENTION_RULES) {
      expect(rule.levels.hourRollupMs).toBeGreaterThanOrEqual(90 * DAY);
      // Each level outlives the one below it, so a long range never has a hole between levels.
      expect(rule.levels.minuteRollupMs).toBeGreaterThan(rule.levels.rawMs);
      expect(rule.levels.hourRollupMs).toBeGreaterThan(rule.levels.minuteRollupMs);
    }
    expect(RETENTION_RULES.at(-1)!.maxReplicas).toBe(Number.POSITIVE_INFINITY);
    expect(new Set(RETENTION_RULES.map((rule) => rule.id)).size).toBe(RETENTION_RULES.length);
  });

  it("partitions raw samples by the hour when they are kept for hours, so at most an hour more than the window is on disk", () => {
    expect(retentionPlan(1_000).partitions).toBe("hour");
    expect(retentionPlan(5_000).partitions).toBe("hour");
    for (const rule of RETENTION_RULES) expect(rule.partitions).toBe(rule.levels.rawMs >= DAY ? "day" : "hour");
  });

  it("keeps daily partitions when the operator keeps raw samples for a day or more, whatever the fleet", () => {
    expect(retentionPlan(5_000, { rawMs: DAY }).partitions).toBe("day");
    expect(retentionPlan(5_000, { rawMs: 23 * HOUR }).partitions).toBe("hour");
    expect(retentionPlan(10, { rawMs: 6 * HOUR }).partitions).toBe("day");
  });

  it("lets a setting the operator gave win over the fleet's size, and says which", () => {
    const plan = retentionPlan(5_000, { rawMs: 72 * HOUR });
    expect(plan.rule.id).toBe("large-fleet");
    expect(plan.rawMs).toBe(72 * HOUR);
    expect(plan.minuteRollupMs).toBe(7 * DAY);
    expect(plan.overridden).toEqual(["rawMs"]);
  });
});
