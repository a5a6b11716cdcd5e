import { describe, expect, it } from "vitest";
import { regionMatrix, type MatrixLink } from "./region-matrix";

const now = new Date("2026-11-26T05:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const link = (from: string, to: string, reachable: boolean, rttMs: number | null, ageMs = 1_000, staleAfterMs = 5_000): MatrixLink => ({
  fromRegionId: from,
  toRegionId: to,
  reachable,
  rttMs,
  observedAt: ago(ageMs),
  staleAfterMs,
});

describe("region latency matrix", () => {
  it("gives each probed region pair its reachability, median and max RTT and newest observation", () => {
    const [cell] = regionMatrix([link("eu", "us", true, 80, 3_000), link("eu", "us", true, 90, 1_000), link("eu", "us", true, 70, 2_000), link("eu", "us", true, 200, 4_000)], now);
    expect(cell).toEqual({
      fromRegionId: "eu",
      toRegionId: "us",
      probes: 4,
      reachableProbes: 4,
      reachability: "all",
      rttMs: { median: 85, max: 200 },
      lastObservedAt: ago(1_000),
      stale: false,
    });
  });

  it("takes RTT only from probes that got through, and says some when some failed", () => {
    const [cell] = regionMatrix([link("eu", "us", true, 40), link("eu", "us", false, 5_000), link("eu", "us", true, 60)], now);
    expect(cell).toMatchObject({ probes: 3, reachableProbes: 2, reachability: "some", rttMs: { median: 50, max: 60 } });
  });

  it("says none, with no RTT, when every probe failed", () => {
    const [cell] = regionMatrix([link("eu", "us", false, null), link("eu", "us", false, 3_000)], now);
    expect(cell).toMatchObject({ reachability: "none", reachableProbes: 0, rttMs: { median: null, max: null } });
  });

  it("keeps the direction: from → to and to → from are different cells, ordered by from then to", () => {
    const cells = regionMatrix([link("us", "eu", true, 10), link("eu", "us", true, 20), link("eu", "ap", true, 30)], now);
    expect(cells.map((cell) => [cell.fromRegionId, cell.toRegionId, cell.rttMs.median])).toEqual([
      ["eu", "ap", 30],
      ["eu", "us", 20],
      ["us", "eu", 10],
    ]);
  });

  it("is stale when even the newest probe is older than the staleness window", () => {
    expect(regionMatrix([link("eu", "us", true, 10, 6_000), link("eu", "us", true, 10, 9_000)], now)[0]).toMatchObject({ stale: true, lastObservedAt: ago(6_000) });
    expect(regionMatrix([link("eu", "us", true, 10, 6_000), link("eu", "us", true, 10, 4_000)], now)[0]?.stale).toBe(false);
  });

  it("judges each probe by its own service's window", () => {
    expect(regionMatrix([link("eu", "us", true, 10, 6_000, 10_000)], now)[0]?.stale).toBe(false);
  });

  it("has no cells without links", () => {
    expect(regionMatrix([], now)).toEqual([]);
  });
});
