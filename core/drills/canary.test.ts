import { describe, expect, it } from "vitest";
import { canaryOutages, canaryVerdict, type CanaryAttempt } from "./canary";

const at = (ms: number) => new Date(Date.UTC(2026, 11, 6, 12) + ms);
const attempt = (id: number, ms: number, acknowledged: boolean, replica: string | null = acknowledged ? (ms < 5_000 ? "a" : "b") : "a"): CanaryAttempt => ({ id: `w${id}`, at: at(ms), replica, acknowledged });

const switchover = [attempt(1, 0, true), attempt(2, 1_000, true), attempt(3, 2_000, false), attempt(4, 3_000, false), attempt(5, 5_500, true), attempt(6, 6_000, true)];

describe("canaryVerdict", () => {
  it("measures the outage from the first refused write to the first accepted one, and finds nothing lost", () => {
    const verdict = canaryVerdict(switchover, new Set(["w1", "w2", "w5", "w6"]));
    expect(verdict).toMatchObject({ acknowledged: 4, refused: 2, lost: 0, lossWindowMs: 0, observedRtoMs: 3_500 });
    expect(verdict.outages).toEqual([{ from: at(2_000).toISOString(), to: at(5_500).toISOString(), ms: 3_500, before: "a", after: "b" }]);
    expect(verdict.sentence).toBe(
      "The canary had 4 writes acknowledged and 2 refused; writes were refused for 3.5 s (from the first refused write to the first accepted one on b); every acknowledged write is on the final primary.",
    );
  });

  it("counts acknowledged writes missing on the final primary as lost, with the window they span", () => {
    const verdict = canaryVerdict(switchover, new Set(["w1", "w5", "w6"]));
    expect(verdict).toMatchObject({ lost: 1, lostIds: ["w2"], lossWindowMs: 1_000 });
    expect(verdict.sentence).toMatch(/1 acknowledged writes are missing on the final primary\.$/);
  });

  it("ignores refusals before the first accepted write, and reports an outage that never ended", () => {
    expect(canaryOutages([attempt(1, 0, false), attempt(2, 100, true)])).toEqual([]);
    const verdict = canaryVerdict([attempt(1, 0, true), attempt(2, 1_000, false)], new Set(["w1"]));
    expect(verdict.outages).toEqual([{ from: at(1_000).toISOString(), to: null, ms: null, before: "a", after: null }]);
    expect(verdict.observedRtoMs).toBeNull();
    expect(verdict.sentence).toContain("writes were refused and none was accepted again");
  });

  it("takes the first outage as the observed RTO when the drill switched back", () => {
    const back = [...switchover, attempt(7, 8_000, false), attempt(8, 9_000, true, "a")];
    const verdict = canaryVerdict(back, new Set(["w1", "w2", "w5", "w6", "w8"]));
    expect(verdict.outages.map((outage) => outage.ms)).toEqual([3_500, 1_000]);
    expect(verdict.observedRtoMs).toBe(3_500);
  });
});
