import { describe, expect, it } from "vitest";
import { automationState } from "./automation-state";

describe("automation state", () => {
  it("is off even when the policy asks for automatic failover, since none exists yet, and says so", () => {
    const automation = automationState({ failover: { automatic: true } });
    expect(automation.state).toBe("off");
    expect(automation.reason).toMatch(/not available yet \(the policy asks for it\)/);
  });

  it("names the policy when it turns automation off", () => {
    expect(automationState({ failover: { automatic: false } })).toEqual({ state: "off", reason: "automatic failover is not available yet, and the policy turns it off" });
  });

  it("names a missing policy", () => {
    expect(automationState(undefined).reason).toMatch(/no effective policy/);
  });
});
