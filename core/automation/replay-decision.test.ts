import { describe, expect, it } from "vitest";
import { healthySnapshot, NOW, primaryLost } from "@/test/fixtures/automation-snapshot";
import { decide } from "./decide";
import { replayDecision } from "./replay-decision";

const LOST = primaryLost(60_000, 60_000);
const failover = decide(LOST, NOW).find((decision) => decision.ruleId === "failover-automatic")!;

describe("replaying a recorded decision", () => {
  it("gives the recorded rule and sentence again on the recorded snapshot and moment", () => {
    const replay = replayDecision({ ...failover, decidedAt: NOW, snapshot: LOST });
    expect(replay.same).toBe(true);
    expect(replay.replayed).toContainEqual(failover);
    expect(replay.sentence).toBe("Decided again on the recorded snapshot as of 2025-06-01T03:00:00.000Z: the same rule (failover-automatic) and sentence.");
  });

  it("says so when the record does not match what the rules decide on it", () => {
    const replay = replayDecision({ ...failover, decidedAt: NOW, snapshot: healthySnapshot() });
    expect(replay.same).toBe(false);
    expect(replay.sentence).toMatch(/the rules give healthy.*, not failover-automatic as recorded/);
    expect(replayDecision({ ...failover, sentence: "edited", decidedAt: NOW, snapshot: LOST }).same).toBe(false);
  });
});
