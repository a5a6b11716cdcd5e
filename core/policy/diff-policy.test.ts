import { describe, expect, it } from "vitest";
import { diffPolicy } from "./diff-policy";
import { demoPolicy } from "@/test/fixtures/policy-topology";

const MIB = 1024 * 1024;
const texts = (before = demoPolicy(), after = demoPolicy()) => diffPolicy(before, after).map((change) => change.text);

describe("diffPolicy", () => {
  it("finds nothing between equal documents", () => {
    expect(diffPolicy(demoPolicy(), demoPolicy())).toEqual([]);
  });

  it("reads bytes in binary units, seconds with their unit and switches as on/off", () => {
    const after = demoPolicy((d) => {
      d.failover.maxLagBytes = 64 * MIB;
      d.failover.cooldownSeconds = 600;
      d.failover.automatic = false;
      d.failover.cooldownAfterSwitchover = true;
      d.failover.errantTransactions = "rebuild";
    });
    expect(texts(demoPolicy(), after)).toEqual([
      "failover.automatic: on → off",
      "failover.cooldownAfterSwitchover: off → on",
      "failover.cooldownSeconds: 900 s → 600 s",
      "failover.errantTransactions: refuse → rebuild",
      "failover.maxLagBytes: 1 MiB → 64 MiB",
    ]);
  });

  it("keeps each change's field, kind and raw values", () => {
    expect(diffPolicy(demoPolicy(), demoPolicy((d) => (d.witness.quorum = 1)))).toEqual([
      { field: "witness.quorum", kind: "changed", before: 2, after: 1, text: "witness.quorum: 2 → 1" },
    ]);
  });

  it("lists residency as the allowed places", () => {
    expect(texts(demoPolicy(), demoPolicy((d) => (d.datasets.orders!.residency.jurisdictions = ["EU"])))).toEqual(["datasets.orders.residency.jurisdictions: EU, US → EU"]);
  });

  it("spells out a dataset rule that appears or disappears, field by field", () => {
    const without = demoPolicy((d) => delete d.datasets["order-history"]);
    expect(texts(demoPolicy(), without)).toEqual([
      "datasets.order-history.replication: removed (was async)",
      "datasets.order-history.residency.jurisdictions: removed (was EU, US)",
      "datasets.order-history.residency.regions: removed (was (none))",
    ]);
    expect(diffPolicy(without, demoPolicy()).map((change) => [change.field, change.kind])).toEqual([
      ["datasets.order-history.replication", "added"],
      ["datasets.order-history.residency.jurisdictions", "added"],
      ["datasets.order-history.residency.regions", "added"],
    ]);
  });

  it("compares maintenance windows as items", () => {
    const first = { startsAt: "2030-01-01T02:00:00Z", endsAt: "2030-01-01T04:00:00Z", reason: "kernel", automaticFailover: "held" as const };
    const second = { startsAt: "2030-02-01T02:00:00Z", endsAt: "2030-02-01T04:00:00Z", reason: "upgrade", automaticFailover: "held" as const };
    const before = demoPolicy((d) => (d.maintenanceWindows = [first]));
    const after = demoPolicy((d) => (d.maintenanceWindows = [first, second]));
    expect(texts(before, after)).toEqual(["maintenanceWindows: added 2030-02-01T02:00:00Z – 2030-02-01T04:00:00Z (upgrade; automatic failover held)"]);
    const armed = demoPolicy((d) => (d.maintenanceWindows = [{ ...first, automaticFailover: "armed" }]));
    expect(texts(before, armed)).toEqual([
      "maintenanceWindows: removed 2030-01-01T02:00:00Z – 2030-01-01T04:00:00Z (kernel; automatic failover held)",
      "maintenanceWindows: added 2030-01-01T02:00:00Z – 2030-01-01T04:00:00Z (kernel; automatic failover armed)",
    ]);
    expect(diffPolicy(after, demoPolicy()).map((change) => change.kind)).toEqual(["removed", "removed"]);
  });
});
