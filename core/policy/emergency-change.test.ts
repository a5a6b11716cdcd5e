import { describe, expect, it } from "vitest";
import { diffPolicy } from "./diff-policy";
import { emergencyViolations } from "./emergency-change";
import { demoPolicy } from "@/test/fixtures/policy-topology";

const window = { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "incident", automaticFailover: "held" as const };

describe("emergencyViolations", () => {
  it("allows turning automatic failover off and adding a maintenance window", () => {
    const after = demoPolicy((d) => {
      d.failover.automatic = false;
      d.maintenanceWindows.push(window);
    });
    expect(emergencyViolations(diffPolicy(demoPolicy(), after))).toEqual([]);
  });

  it("refuses turning automatic failover back on", () => {
    const off = demoPolicy((d) => (d.failover.automatic = false));
    expect(emergencyViolations(diffPolicy(off, demoPolicy()))).toEqual([
      "failover.automatic: not an emergency change (failover.automatic: off → on); without approval an operator may only turn failover.automatic off or add a maintenance window",
    ]);
  });

  it("refuses removing a maintenance window and any other field", () => {
    const before = demoPolicy((d) => d.maintenanceWindows.push(window));
    const after = demoPolicy((d) => (d.failover.maxLagBytes = 1));
    expect(emergencyViolations(diffPolicy(before, after)).map((violation) => violation.split(":")[0])).toEqual(["failover.maxLagBytes", "maintenanceWindows"]);
  });

  it("refuses a change that changes nothing", () => {
    expect(emergencyViolations([])).toEqual(["document: the emergency change changes nothing"]);
  });
});
