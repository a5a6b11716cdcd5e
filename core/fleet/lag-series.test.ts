import { describe, expect, it } from "vitest";
import { counterStep, lagSeries, type LagBucketRow } from "./lag-series";

const counter = (first: number, last: number, steps: number) => ({ first, last, steps });

function row(replicaId: string, minute: number, recovery = counter(0, 0, 0), logical = counter(0, 0, 0)): LagBucketRow {
  return {
    replicaId,
    t: new Date(Date.UTC(2026, 10, 26, 12, minute)),
    samples: 12,
    lagBytesAvg: 1024 * minute,
    lagBytesMax: 2048 * minute,
    lagSecondsAvg: minute / 2,
    lagSecondsMax: minute,
    recoveryConflicts: recovery,
    logicalConflicts: logical,
  };
}

describe("counterStep", () => {
  it("is the rise of the counter", () => expect(counterStep(5, 9)).toBe(4));
  it("is zero when nothing happened", () => expect(counterStep(7, 7)).toBe(0));
  it("counts from zero after a reset", () => expect(counterStep(40, 3)).toBe(3));
  it("is zero right after a reset to zero", () => expect(counterStep(40, 0)).toBe(0));
});

describe("lagSeries", () => {
  it("adds the step from the previous bucket's last value to each bucket's own steps", () => {
    const series = lagSeries([row("a", 0, counter(10, 12, 2)), row("a", 1, counter(15, 15, 0)), row("a", 2, counter(15, 18, 3))]);
    expect(series.get("a")!.map((point) => point.recoveryConflicts)).toEqual([2, 3, 3]);
  });

  it("never goes negative across a counter reset between buckets", () => {
    const series = lagSeries([row("a", 0, counter(0, 0, 0), counter(50, 50, 0)), row("a", 1, counter(0, 0, 0), counter(2, 4, 2))]);
    expect(series.get("a")!.map((point) => point.logicalConflicts)).toEqual([0, 4]);
  });

  it("does not count the window's first value as an increase", () => {
    expect(lagSeries([row("a", 0, counter(900, 900, 0))]).get("a")![0]!.recoveryConflicts).toBe(0);
  });

  it("keeps replicas apart and sorts each by time", () => {
    const series = lagSeries([row("b", 1, counter(5, 5, 0)), row("a", 1, counter(1, 1, 0)), row("b", 0, counter(2, 2, 0)), row("a", 0, counter(0, 0, 0))]);
    expect([...series.keys()].sort()).toEqual(["a", "b"]);
    expect(series.get("a")!.map((point) => [point.t, point.recoveryConflicts])).toEqual([
      ["2026-11-26T12:00:00.000Z", 0],
      ["2026-11-26T12:01:00.000Z", 1],
    ]);
    expect(series.get("b")!.map((point) => point.recoveryConflicts)).toEqual([0, 3]);
  });

  it("carries lag averages and maxima through", () => {
    expect(lagSeries([row("a", 3)]).get("a")![0]).toEqual({
      t: "2026-11-26T12:03:00.000Z",
      samples: 12,
      lagBytes: { avg: 3072, max: 6144 },
      lagSeconds: { avg: 1.5, max: 3 },
      recoveryConflicts: 0,
      logicalConflicts: 0,
    });
  });
});
