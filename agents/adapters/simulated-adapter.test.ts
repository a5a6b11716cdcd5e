import { describe, expect, it } from "vitest";
import { SimulatedAdapter, simulatedObservation, simulatedReport } from "./simulated-adapter";
import { SIMULATION_PROFILE_NAMES } from "./simulation-profiles";

describe("simulated replicas", () => {
  it("give the same reports for the same seed", async () => {
    const a = new SimulatedAdapter(42, "standby", "flaky");
    const b = new SimulatedAdapter(42, "standby", "flaky");
    for (let tick = 0; tick < 500; tick += 1) expect(await a.probe()).toEqual(await b.probe());
  });

  it("give different reports for different seeds", () => {
    const lags = (seed: number) => Array.from({ length: 50 }, (_, tick) => simulatedObservation(seed, tick, "standby").lag.bytes);
    expect(lags(1)).not.toEqual(lags(2));
  });

  it("compute any tick on its own, equal to the adapter's sequence", async () => {
    const adapter = new SimulatedAdapter(9, "primary", "lagging");
    const sequence = [];
    for (let tick = 0; tick < 100; tick += 1) sequence.push(await adapter.probe());
    expect(simulatedObservation(9, 73, "primary", "lagging")).toEqual(sequence[73]);
  });

  it("build whole reports with seq = tick + 1 and observedAt one interval apart", () => {
    const report = simulatedReport(3, 9, "standby", { startMs: Date.UTC(2026, 5, 1), intervalMs: 2000 });
    expect(report.seq).toBe(10);
    expect(report.observedAt).toBe("2026-06-01T00:00:18.000Z");
  });

  it("wander, spike and go dark on the flaky profile", () => {
    const observations = Array.from({ length: 3000 }, (_, tick) => simulatedObservation(5, tick, "standby", "flaky"));
    const reachable = observations.filter((o) => o.reachable);
    const lagSeconds = reachable.map((o) => o.lag.seconds!);
    expect(observations.some((o) => !o.reachable && o.error?.includes("simulated outage"))).toBe(true);
    expect(Math.max(...lagSeconds)).toBeGreaterThan(5);
    expect(Math.min(...lagSeconds)).toBeLessThan(1);
    expect(observations.at(-1)!.conflicts.recovery).toBeGreaterThan(observations[0]!.conflicts.recovery);
  });

  it("never move a standby's replay position backwards, on any profile", () => {
    for (const profile of SIMULATION_PROFILE_NAMES) {
      let previous = 0n;
      for (let tick = 0; tick < 5000; tick += 1) {
        const replayed = simulatedObservation(11, tick, "standby", profile).lsn.replayed;
        if (replayed === null) continue;
        expect(BigInt(replayed) >= previous, `${profile} tick ${tick}`).toBe(true);
        previous = BigInt(replayed);
      }
    }
  });

  it("lag in bytes and in seconds together, from the first tick on", () => {
    for (let tick = 0; tick < 200; tick += 1) {
      const { lag, reachable } = simulatedObservation(21, tick, "standby", "lagging");
      if (reachable) expect(lag.bytes! > 0, `tick ${tick}`).toBe(lag.seconds! > 0);
    }
  });

  it("keep the configured role", () => {
    const primary = simulatedObservation(1, 10, "primary");
    expect(primary.role).toBe("primary");
    expect(primary.lsn.current).not.toBeNull();
    expect(primary.lag).toEqual({ bytes: null, seconds: null });
    const standby = simulatedObservation(1, 10, "standby");
    expect(standby.role).toBe("standby");
    expect(standby.settings.transaction_read_only).toBe("on");
  });
});
