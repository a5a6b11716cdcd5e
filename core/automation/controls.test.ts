import { describe, expect, it } from "vitest";
import { automaticOffSentence, cooldownSentence, cooldownStart, pauseSentence, runSentence } from "./controls";
import { ago, healthySnapshot, NOW } from "@/test/fixtures/automation-snapshot";

const later = (ms: number) => new Date(NOW.getTime() + ms);
const withControls = (controls: Partial<ReturnType<typeof healthySnapshot>["controls"]>) => {
  const snapshot = healthySnapshot();
  return { ...snapshot, controls: { ...snapshot.controls, ...controls } };
};

describe("automation controls", () => {
  it("hold nothing back by default", () => {
    const snapshot = healthySnapshot();
    expect([pauseSentence(snapshot, NOW), automaticOffSentence(snapshot), cooldownSentence(snapshot, NOW), runSentence(snapshot)]).toEqual([null, null, null, null]);
  });

  it("pause until the expiry, then no longer", () => {
    const snapshot = withControls({ paused: { reason: "database upgrade", until: later(60_000) } });
    expect(pauseSentence(snapshot, NOW)).toBe("automation is paused (database upgrade) until 2025-06-01T03:01:00.000Z; detection and alerts only");
    expect(pauseSentence(snapshot, later(60_000))).toBeNull();
    expect(pauseSentence(withControls({ paused: { reason: "drill", until: null } }), later(1e9))).toBe("automation is paused (drill); detection and alerts only");
  });

  it("cool down for the policy's cooldown after a failover unless acknowledged since", () => {
    const failedOver = { lastPromotions: { planned: null, unplanned: { at: ago(60_000) } } };
    expect(cooldownSentence(withControls(failedOver), NOW)).toBe(
      "automatic failover is cooling down after the failover at 2025-06-01T02:59:00.000Z until 2025-06-01T03:14:00.000Z (cooldown 15 min); a person must acknowledge to allow it sooner",
    );
    expect(cooldownSentence(withControls(failedOver), later(840_000))).toBeNull();
    expect(cooldownSentence(withControls({ ...failedOver, acknowledgedAt: ago(1000) }), NOW)).toBeNull();
    expect(cooldownSentence(withControls({ ...failedOver, acknowledgedAt: ago(120_000) }), NOW)).not.toBeNull();
  });

  it("leave automatic failover armed after a planned switchover, unless the policy has switchovers start the cooldown", () => {
    const switchedOver = withControls({ lastPromotions: { planned: { at: ago(60_000) }, unplanned: null } });
    expect(cooldownSentence(switchedOver, NOW)).toBeNull();
    const strict = { ...switchedOver, policy: { ...switchedOver.policy, cooldownAfterSwitchover: true } };
    expect(cooldownSentence(strict, NOW)).toBe(
      "automatic failover is cooling down after the planned switchover at 2025-06-01T02:59:00.000Z until 2025-06-01T03:14:00.000Z (cooldown 15 min; the policy has switchovers start it too); a person must acknowledge to allow it sooner",
    );
    expect(cooldownSentence({ ...strict, controls: { ...strict.controls, acknowledgedAt: ago(1000) } }, NOW)).toBeNull();
  });

  it("run the cooldown from the newest promotion that starts one: a later switchover does not cut short a failover's", () => {
    const both = { lastPromotions: { unplanned: { at: ago(600_000) }, planned: { at: ago(60_000) } } };
    expect(cooldownStart(both.lastPromotions, { cooldownAfterSwitchover: false })).toEqual({ at: ago(600_000), promotion: "unplanned" });
    expect(cooldownStart(both.lastPromotions, { cooldownAfterSwitchover: true })).toEqual({ at: ago(60_000), promotion: "planned" });
    expect(cooldownSentence(withControls(both), NOW)).toMatch(/^automatic failover is cooling down after the failover at 2025-06-01T02:50:00.000Z until 2025-06-01T03:05:00.000Z/);
    expect(cooldownStart({ planned: { at: ago(60_000) }, unplanned: null }, { cooldownAfterSwitchover: false })).toBeNull();
  });

  it("name the policy version that turns automatic failover off", () => {
    const snapshot = healthySnapshot();
    expect(automaticOffSentence({ ...snapshot, policy: { ...snapshot.policy, automatic: false, version: 3 } })).toBe("automatic failover is off in policy v3");
  });
});
