import { describe, expect, it } from "vitest";
import { NO_CONTROLS } from "../automation/snapshot";
import { automationState } from "./automation-state";

const now = new Date("2026-11-26T10:00:00Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const policy = (automatic: boolean) => ({ failover: { automatic, cooldownSeconds: 900 } });

describe("automation state", () => {
  it("is off even when the policy asks for automatic failover, since none exists yet, and says so", () => {
    const automation = automationState(policy(true), NO_CONTROLS, now);
    expect(automation.state).toBe("off");
    expect(automation.reason).toMatch(/not available yet \(the policy asks for it\)/);
  });

  it("names the policy when it turns automation off", () => {
    expect(automationState(policy(false), NO_CONTROLS, now)).toEqual({ state: "off", reason: "automatic failover is not available yet, and the policy turns it off" });
  });

  it("names a missing policy", () => {
    expect(automationState(undefined, NO_CONTROLS, now).reason).toMatch(/no effective policy/);
  });

  it("reports a pause in force with its reason and expiry, and forgets it once expired", () => {
    const controls = { ...NO_CONTROLS, paused: { reason: "storage maintenance", until: minutes(30) } };
    expect(automationState(policy(true), controls, now)).toEqual({
      state: "paused",
      reason: "automation is paused (storage maintenance) until 2026-11-26T10:30:00.000Z; detection and alerts only",
    });
    expect(automationState(policy(true), controls, minutes(31)).state).toBe("off");
  });

  it("reports the cooldown after a failover until a person acknowledges it", () => {
    const lastFailoverAt = minutes(-5);
    const controls = { ...NO_CONTROLS, lastFailoverAt, cooldownUntil: minutes(10) };
    const cooling = automationState(policy(true), controls, now);
    expect(cooling.state).toBe("cooling-down");
    expect(cooling.reason).toContain("until 2026-11-26T10:10:00.000Z");
    expect(automationState(policy(true), { ...controls, acknowledgedAt: minutes(-1) }, now).state).toBe("off");
    expect(automationState(policy(true), { ...controls, acknowledgedAt: minutes(-6) }, now).state).toBe("cooling-down");
  });
});
