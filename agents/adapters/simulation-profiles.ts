/**
 * How a simulated replica behaves. One tick is one simulated second. The
 * replay delay's slope (wander × ~0.1 plus the spike slope of 0.4) stays
 * below 1 per tick, so a standby's replayed LSN never moves backwards.
 */
export interface SimulationProfile {
  /** WAL the primary writes per tick. */
  walBytesPerTick: number;
  /** Typical replay delay of a standby, in seconds. */
  lagBaseSeconds: number;
  /** How far the delay wanders above the base. */
  lagWanderSeconds: number;
  /** Chance that a 120-tick window holds a lag spike, and the spike's height in seconds. */
  spikeChance: number;
  spikeSeconds: number;
  /** Chance that a window of `outageWindowTicks` holds an outage, and its length range. */
  outageChance: number;
  outageWindowTicks: number;
  outageTicks: readonly [min: number, max: number];
  /** A standby sees one recovery conflict per this many ticks, at a random moment. */
  conflictEveryTicks: number;
}

export const SIMULATION_PROFILES = {
  steady: {
    walBytesPerTick: 64 * 1024,
    lagBaseSeconds: 0.05,
    lagWanderSeconds: 0.4,
    spikeChance: 0.05,
    spikeSeconds: 3,
    outageChance: 0.02,
    outageWindowTicks: 3600,
    outageTicks: [5, 20],
    conflictEveryTicks: 3600,
  },
  flaky: {
    walBytesPerTick: 256 * 1024,
    lagBaseSeconds: 0.2,
    lagWanderSeconds: 2,
    spikeChance: 0.3,
    spikeSeconds: 12,
    outageChance: 0.5,
    outageWindowTicks: 300,
    outageTicks: [3, 30],
    conflictEveryTicks: 120,
  },
  lagging: {
    walBytesPerTick: 4 * 1024 * 1024,
    lagBaseSeconds: 5,
    lagWanderSeconds: 5,
    spikeChance: 0.15,
    spikeSeconds: 20,
    outageChance: 0.05,
    outageWindowTicks: 1800,
    outageTicks: [5, 60],
    conflictEveryTicks: 600,
  },
} as const satisfies Record<string, SimulationProfile>;

export type SimulationProfileName = keyof typeof SIMULATION_PROFILES;
export const SIMULATION_PROFILE_NAMES = Object.keys(SIMULATION_PROFILES) as [SimulationProfileName, ...SimulationProfileName[]];
