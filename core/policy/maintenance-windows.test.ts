import { describe, expect, it } from "vitest";
import type { MaintenanceWindow } from "@/contracts/policy";
import { maintenanceLabel, maintenanceSentence, windowInForce } from "./maintenance-windows";

const first: MaintenanceWindow = { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "kernel patching", automaticFailover: "held" };
const second: MaintenanceWindow = { startsAt: "2030-01-01T04:00:00Z", endsAt: "2030-01-01T05:00:00Z", reason: "disk swap", automaticFailover: "armed" };

describe("maintenance windows", () => {
  it("are in force from their start up to, not including, their end", () => {
    const windows = [first, second];
    expect(windowInForce(windows, new Date("2030-01-01T01:59:59.999Z"))).toBeNull();
    expect(windowInForce(windows, new Date("2030-01-01T02:00:00Z"))).toBe(first);
    expect(windowInForce(windows, new Date("2030-01-01T04:00:00Z"))).toBe(second);
    expect(windowInForce(windows, new Date("2030-01-01T05:00:00Z"))).toBeNull();
    expect(windowInForce([], new Date("2030-01-01T03:00:00Z"))).toBeNull();
  });

  it("are named by their reason and end, and say what they do", () => {
    expect(maintenanceLabel(first)).toBe('maintenance window "kernel patching" until 2030-01-01T04:00:00.000Z');
    expect(maintenanceSentence(first)).toBe(
      'maintenance window "kernel patching" until 2030-01-01T04:00:00.000Z: automatic failover is held (rule failover-maintenance-window); alerts for the service are marked in maintenance and not sent to webhooks',
    );
    expect(maintenanceSentence(second)).toContain("automatic failover stays armed, as the window says");
  });
});
