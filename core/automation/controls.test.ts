import { describe, expect, it } from "vitest";
import { automaticOffSentence, cooldownSentence, pauseSentence, runSentence } from "./controls";
import { ago, healthySnapshot, NOW } from "./test-snapshot";

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
    const failedOver = { lastFailoverAt: ago(60_000) };
    expect(cooldownSentence(withControls(failedOver), NOW)).toBe(
      "automatic failover is cooling down after the failover at 2025-06-01T02:59:00.000Z until 2025-06-01T03:14:00.000Z (cooldown 15 min); a person must acknowledge to allow it sooner",
    );
    expect(cooldownSentence(withControls(failedOver), later(840_000))).toBeNull();
    expect(cooldownSentence(withControls({ ...failedOver, acknowledgedAt: ago(1000) }), NOW)).toBeNull();
    expect(cooldownSentence(withControls({ ...failedOver, acknowledgedAt: ago(120_000) }), NOW)).not.toBeNull();
    expect(cooldownSentence(withControls({ cooldownUntil: later(1000) }), NOW)).toBe(
      "automatic failover is cooling down until 2025-06-01T03:00:01.000Z (cooldown 15 min); a person must acknowledge to allow it sooner",
    );
  });

  it("name the policy version that turns automatic failover off", () => {
    const snapshot = healthySnapshot();
    expect(automaticOffSentence({ ...snapshot, policy: { ...snapshot.policy, automatic: false, version: 3 } })).toBe("automatic failover is off in policy v3");
  });
});
