import { describe, expect, it } from "vitest";
import { ago, healthySnapshot, NOW, primaryLost } from "@/test/fixtures/automation-snapshot";
import { decide } from "./decide";
import { readRecordedSnapshot, recordSnapshot } from "./recorded-snapshot";
import type { AutomationSnapshot } from "./snapshot";

const LOST = primaryLost(60_000, 60_000);
const PAUSED: AutomationSnapshot = {
  ...LOST,
  controls: { paused: { reason: "kernel patching", until: ago(-600_000) }, lastPromotions: { planned: { at: ago(3_600_000) }, unplanned: null }, acknowledgedAt: null },
  policy: { ...LOST.policy, maintenanceWindows: [{ startsAt: ago(60_000).toISOString(), endsAt: ago(-60_000).toISOString(), reason: "patching", automaticFailover: "held" }] },
  activeRuns: [{ id: "run-1", runbookId: "planned-switchover", status: "running" }],
};

describe("a snapshot recorded with the decision it led to", () => {
  it.each([
    ["healthy", healthySnapshot()],
    ["primary lost", LOST],
    ["paused, in maintenance, a run active", PAUSED],
  ])("reads back exactly, positions and times included (%s)", (_name, snapshot) => {
    const recorded = recordSnapshot(snapshot);
    expect(JSON.parse(JSON.stringify(recorded))).toEqual(recorded);
    expect(readRecordedSnapshot(recorded)).toEqual(snapshot);
  });

  it("is decided again with the same rules and sentences", () => {
    for (const snapshot of [healthySnapshot(), LOST, PAUSED]) {
      const replayed = decide(readRecordedSnapshot(recordSnapshot(snapshot)), NOW);
      expect(replayed).toEqual(decide(snapshot, NOW));
    }
    expect(decide(LOST, NOW).map((decision) => decision.ruleId)).toContain("failover-automatic");
  });

  it("refuses a record that is not one (a position that is not a number, a time that is not a time)", () => {
    const recorded = recordSnapshot(LOST);
    expect(() => readRecordedSnapshot({ ...recorded, replicas: [{ ...recorded.replicas[0]!, currentLsn: "0/16B3748" }] })).toThrow();
    expect(() => readRecordedSnapshot({ ...recorded, primaryLease: { ...recorded.primaryLease!, renewedAt: "yesterday" } })).toThrow();
  });
});
