import { describe, expect, it } from "vitest";
import type { MaintenanceWindow } from "@/contracts/policy";
import { NO_CONTROLS } from "../automation/snapshot";
import { automationState } from "./automation-state";

const now = new Date("2026-11-26T10:00:00Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const policy = (automatic: boolean, cooldownAfterSwitchover = false, maintenanceWindows: MaintenanceWindow[] = []) => ({ automatic, cooldownSeconds: 900, cooldownAfterSwitchover, maintenanceWindows });
const kernelPatching = (automaticFailover: MaintenanceWindow["automaticFailover"] = "held"): MaintenanceWindow => ({
  startsAt: minutes(-10).toISOString(),
  endsAt: minutes(50).toISOString(),
  reason: "kernel patching",
  automaticFailover,
});

describe("automation state", () => {
  it("is on when the policy asks for automatic failover and nothing holds it back, and says what sets it off", () => {
    expect(automationState(policy(true), NO_CONTROLS, now)).toEqual({
      state: "on",
      reason: "the policy turns automatic failover on and no pause or cooldown holds it back: a confirmed loss of the primary fails the service over",
      maintenance: null,
    });
  });

  it("names the policy when it turns automation off", () => {
    expect(automationState(policy(false), NO_CONTROLS, now)).toEqual({ state: "off", reason: "the policy turns automatic failover off; failovers are guided runbook runs", maintenance: null });
  });

  it("is off without an effective policy, and names it", () => {
    expect(automationState(undefined, NO_CONTROLS, now)).toMatchObject({ state: "off", reason: expect.stringMatching(/no effective policy/) });
  });

  it("reports a pause in force with its reason and expiry, and forgets it once expired", () => {
    const controls = { ...NO_CONTROLS, paused: { reason: "storage maintenance", until: minutes(30) } };
    expect(automationState(policy(true), controls, now)).toEqual({
      state: "paused",
      reason: "automation is paused (storage maintenance) until 2026-11-26T10:30:00.000Z; detection and alerts only",
      maintenance: null,
    });
    expect(automationState(policy(true), controls, minutes(31)).state).toBe("on");
  });

  it("reports a pause on a service whose policy turns automation off, and says the policy does too", () => {
    const controls = { ...NO_CONTROLS, paused: { reason: "region-wide incident", until: minutes(30) } };
    const paused = automationState(policy(false), controls, now);
    expect(paused.state).toBe("paused");
    expect(paused.reason).toMatch(/region-wide incident.*; the policy turns automatic failover off too$/);
  });

  it("reports the cooldown after a failover until a person acknowledges it", () => {
    const controls = { ...NO_CONTROLS, lastPromotions: { planned: null, unplanned: { at: minutes(-5) } } };
    const cooling = automationState(policy(true), controls, now);
    expect(cooling.state).toBe("cooling-down");
    expect(cooling.reason).toContain("until 2026-11-26T10:10:00.000Z");
    expect(automationState(policy(true), { ...controls, acknowledgedAt: minutes(-1) }, now).state).toBe("on");
    expect(automationState(policy(true), { ...controls, acknowledgedAt: minutes(-6) }, now).state).toBe("cooling-down");
    expect(automationState(policy(true), controls, minutes(11)).state).toBe("on");
  });

  it("stays on after a planned switchover, and cools down after one only when the policy says so", () => {
    const controls = { ...NO_CONTROLS, lastPromotions: { planned: { at: minutes(-5) }, unplanned: null } };
    expect(automationState(policy(true), controls, now).state).toBe("on");
    const cooling = automationState(policy(true, true), controls, now);
    expect(cooling.state).toBe("cooling-down");
    expect(cooling.reason).toContain("after the planned switchover at 2026-11-26T09:55:00.000Z until 2026-11-26T10:10:00.000Z");
  });

  it("does not ask for an acknowledgement when the policy turns automation off anyway", () => {
    const controls = { ...NO_CONTROLS, lastPromotions: { planned: null, unplanned: { at: minutes(-5) } } };
    expect(automationState(policy(false), controls, now).state).toBe("off");
  });

  it("puts a pause before a cooldown: the pause is the brake an operator just pulled", () => {
    const controls = { paused: { reason: "storage maintenance", until: minutes(30) }, lastPromotions: { planned: null, unplanned: { at: minutes(-5) } }, acknowledgedAt: null };
    expect(automationState(policy(true), controls, now).state).toBe("paused");
  });

  it("is held by a maintenance window in force, and says which and why", () => {
    const held = automationState(policy(true, false, [kernelPatching()]), NO_CONTROLS, now);
    expect(held).toEqual({
      state: "maintenance",
      reason: 'the maintenance window "kernel patching" until 2026-11-26T10:50:00.000Z holds automatic failover: a person decides whether to fail over',
      maintenance:
        'maintenance window "kernel patching" until 2026-11-26T10:50:00.000Z: automatic failover is held (rule failover-maintenance-window); alerts for the service are marked in maintenance and not sent to webhooks',
    });
    expect(automationState(policy(true, false, [kernelPatching()]), NO_CONTROLS, minutes(50))).toEqual(automationState(policy(true), NO_CONTROLS, minutes(50)));
    expect(automationState(policy(true, false, [kernelPatching()]), NO_CONTROLS, minutes(-11)).state).toBe("on");
  });

  it("stays on in a window that keeps automatic failover armed, and still names the window", () => {
    const armed = automationState(policy(true, false, [kernelPatching("armed")]), NO_CONTROLS, now);
    expect(armed.state).toBe("on");
    expect(armed.reason).toContain('(the maintenance window "kernel patching" until 2026-11-26T10:50:00.000Z keeps it armed)');
    expect(armed.maintenance).toContain("automatic failover stays armed, as the window says; alerts for the service are marked in maintenance and not sent to webhooks");
  });

  it("names a window in force behind a pause or a policy that turns automation off", () => {
    const paused = { ...NO_CONTROLS, paused: { reason: "storage maintenance", until: minutes(30) } };
    expect(automationState(policy(true, false, [kernelPatching()]), paused, now)).toMatchObject({ state: "paused", maintenance: expect.stringContaining("kernel patching") });
    expect(automationState(policy(false, false, [kernelPatching()]), NO_CONTROLS, now)).toMatchObject({ state: "off", maintenance: expect.stringContaining("kernel patching") });
  });

  it("is not deciding when no decider decides for the service, whatever its policy, and says why; only a pause comes first", () => {
    const why = "The decider has stopped: its last complete pass ended 12 s ago, so automatic failover is not being decided.";
    expect(automationState(policy(true), NO_CONTROLS, now, why)).toEqual({ state: "not-deciding", reason: why, maintenance: null });
    expect(automationState(policy(false), NO_CONTROLS, now, why).state).toBe("not-deciding");
    expect(automationState(undefined, NO_CONTROLS, now, why).state).toBe("not-deciding");
    const paused = { ...NO_CONTROLS, paused: { reason: "storage maintenance", until: minutes(30) } };
    expect(automationState(policy(true), paused, now, why).state).toBe("paused");
  });
});
