import { describe, expect, it } from "vitest";
import { witnessStreaks, type PeerObservation } from "./witness-streaks";

const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 5, 0, s));
const up = (replica: string): PeerObservation => ({ replica, reachable: true, rttMs: 3, error: null });
const down = (replica: string): PeerObservation => ({ replica, reachable: false, rttMs: null, error: "timeout" });

describe("witness streaks over a batch", () => {
  it("report a reachable peer with no run of failures", () => {
    const streaks = witnessStreaks([{ observedAt: at(0), peers: [up("a")] }]);
    expect(streaks.get("a")).toEqual({ latest: up("a"), observedAt: at(0), unreachableSince: null, continuesEarlierRun: false });
  });

  it("date a run of failures from its first failed probe, as the agent observed it", () => {
    const streaks = witnessStreaks([
      { observedAt: at(0), peers: [up("a")] },
      { observedAt: at(1), peers: [down("a")] },
      { observedAt: at(2), peers: [down("a")] },
    ]);
    expect(streaks.get("a")).toMatchObject({ unreachableSince: at(1), continuesEarlierRun: false, observedAt: at(2) });
  });

  it("say a batch of only failures may continue an earlier run", () => {
    const streaks = witnessStreaks([
      { observedAt: at(5), peers: [down("a")] },
      { observedAt: at(6), peers: [down("a")] },
    ]);
    expect(streaks.get("a")).toMatchObject({ unreachableSince: at(5), continuesEarlierRun: true });
  });

  it("end a run at the first successful probe", () => {
    const streaks = witnessStreaks([
      { observedAt: at(0), peers: [down("a")] },
      { observedAt: at(1), peers: [up("a")] },
    ]);
    expect(streaks.get("a")).toMatchObject({ unreachableSince: null, continuesEarlierRun: false });
  });

  it("restart the run after a success in the same batch", () => {
    const streaks = witnessStreaks([
      { observedAt: at(0), peers: [down("a")] },
      { observedAt: at(1), peers: [up("a")] },
      { observedAt: at(2), peers: [down("a")] },
    ]);
    expect(streaks.get("a")).toMatchObject({ unreachableSince: at(2), continuesEarlierRun: false });
  });

  it("keep peers apart", () => {
    const streaks = witnessStreaks([{ observedAt: at(0), peers: [up("a"), down("b")] }]);
    expect(streaks.get("a")?.latest.reachable).toBe(true);
    expect(streaks.get("b")?.unreachableSince).toEqual(at(0));
  });
});
