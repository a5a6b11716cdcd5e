import { describe, expect, it } from "vitest";
import { worstLag, type LagReading } from "./worst-lag";

const MIB = 1024 * 1024;
const budgets = { rpoSeconds: 30, maxLagBytes: 4 * MIB };
const reading = (name: string, lagSeconds: number | null, lagBytes: number | null, stale = false): LagReading => ({
  replicaId: `id-${name}`,
  replicaName: name,
  lagSeconds,
  lagBytes,
  stale,
});

describe("worst lag against budgets", () => {
  it("is the replica using the largest share of either budget", () => {
    const worst = worstLag([reading("a", 15, 1 * MIB), reading("b", 3, 3 * MIB), reading("primary", null, null)], budgets);
    expect(worst).toMatchObject({ replicaName: "b", secondsRatio: 0.1, bytesRatio: 0.75, ratio: 0.75, rpoSeconds: 30, maxLagBytes: 4 * MIB, stale: false });
  });

  it("goes past 1 when a budget is broken", () => {
    expect(worstLag([reading("a", 45, 0)], budgets)?.ratio).toBe(1.5);
  });

  it("uses bytes alone when the service has no RPO budget", () => {
    const worst = worstLag([reading("a", 100, MIB), reading("b", 1, 2 * MIB)], { rpoSeconds: null, maxLagBytes: 4 * MIB });
    expect(worst).toMatchObject({ replicaName: "b", secondsRatio: null, bytesRatio: 0.5, ratio: 0.5 });
  });

  it("ranks by lag when there are no budgets at all", () => {
    const worst = worstLag([reading("a", 2, 10), reading("b", 5, 1)], { rpoSeconds: null, maxLagBytes: null });
    expect(worst).toMatchObject({ replicaName: "b", ratio: null });
  });

  it("treats a zero budget as giving no share rather than dividing by zero", () => {
    expect(worstLag([reading("a", 1, 100)], { rpoSeconds: 0, maxLagBytes: 0 })).toMatchObject({ secondsRatio: null, bytesRatio: null, ratio: null });
  });

  it("never lets a stale report outrank a current one", () => {
    const worst = worstLag([reading("old", 500, 100 * MIB, true), reading("now", 1, 100)], budgets);
    expect(worst).toMatchObject({ replicaName: "now", stale: false });
  });

  it("shows the last known lag, marked stale, when every report is stale", () => {
    const worst = worstLag([reading("a", 2, 100, true), reading("b", 20, 100, true)], budgets);
    expect(worst).toMatchObject({ replicaName: "b", stale: true });
  });

  it("is null when no replica reports lag", () => {
    expect(worstLag([reading("primary", null, null)], budgets)).toBeNull();
    expect(worstLag([], budgets)).toBeNull();
  });
});
