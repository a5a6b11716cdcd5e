import type { AgentReport, PeerProbe } from "@/contracts/agent-reports";
import { smoothAt, unitAt } from "./deterministic-random";
import { unreachableObservation, type EngineAdapter, type ReplicaObservation } from "./engine-adapter";
import { SIMULATION_PROFILES, type SimulationProfile, type SimulationProfileName } from "./simulation-profiles";

/**
 * A simulated replica for large fleets and benchmarks, chosen only by
 * `engine: "simulated"` in the config (and reported as engine "simulated"):
 * nothing real is ever silently simulated. Every value is a pure function of
 * (seed, tick, role, profile).
 */

type Role = NonNullable<AgentReport["role"]>;

// Independent random streams, so that e.g. adding spikes never shifts outages.
const STREAM = { write: 1, lagSlow: 2, lagFast: 3, spike: 4, spikeAt: 5, spikeHeight: 6, outage: 7, outageAt: 8, outageLength: 9, conflictAt: 10, latency: 11 };

const SPIKE_WINDOW_TICKS = 120;
const SPIKE_SLOPE = 0.4;
const RECEIVE_DELAY_SECONDS = 0.05;
const START_LSN = 0x3000000;
/** The simulated primary has been writing this long before tick 0, so early ticks can lag too. */
const HISTORY_TICKS = 3600;

/** The primary's WAL position at (possibly fractional) tick x. */
function walPositionAt(seed: number, profile: SimulationProfile, x: number): number {
  const at = x + HISTORY_TICKS;
  return Math.floor(START_LSN + profile.walBytesPerTick * (at + 0.5 * smoothAt(seed, STREAM.write, at, 10)));
}

function spikeSecondsAt(seed: number, profile: SimulationProfile, tick: number): number {
  const window = Math.floor(tick / SPIKE_WINDOW_TICKS);
  if (unitAt(seed, STREAM.spike, window) >= profile.spikeChance) return 0;
  const height = profile.spikeSeconds * (0.5 + 0.5 * unitAt(seed, STREAM.spikeHeight, window));
  const rise = height / SPIKE_SLOPE;
  const start = Math.floor(unitAt(seed, STREAM.spikeAt, window) * (SPIKE_WINDOW_TICKS - 2 * rise));
  const offset = tick - window * SPIKE_WINDOW_TICKS - start;
  if (offset <= 0 || offset >= 2 * rise) return 0;
  return offset <= rise ? offset * SPIKE_SLOPE : (2 * rise - offset) * SPIKE_SLOPE;
}

/** How far behind the primary a standby's replay is at this tick, in seconds. */
function replayDelayAt(seed: number, profile: SimulationProfile, tick: number): number {
  const wander = 0.7 * smoothAt(seed, STREAM.lagSlow, tick, 30) + 0.3 * smoothAt(seed, STREAM.lagFast, tick, 7);
  return profile.lagBaseSeconds + profile.lagWanderSeconds * wander + spikeSecondsAt(seed, profile, tick);
}

function inOutage(seed: number, profile: SimulationProfile, tick: number): boolean {
  const windowTicks = profile.outageWindowTicks;
  const window = Math.floor(tick / windowTicks);
  if (unitAt(seed, STREAM.outage, window) >= profile.outageChance) return false;
  const [min, max] = profile.outageTicks;
  const length = min + Math.floor(unitAt(seed, STREAM.outageLength, window) * (max - min + 1));
  const start = Math.floor(unitAt(seed, STREAM.outageAt, window) * (windowTicks - length));
  const offset = tick - window * windowTicks;
  return offset >= start && offset < start + length;
}

/** Cumulative recovery conflicts: one per period, at a random moment inside it. */
function conflictsAt(seed: number, profile: SimulationProfile, tick: number): number {
  const period = profile.conflictEveryTicks;
  const completed = Math.floor(tick / period);
  const at = Math.floor(unitAt(seed, STREAM.conflictAt, completed) * period);
  return completed + (tick - completed * period >= at ? 1 : 0);
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function simulatedObservation(seed: number, tick: number, role: Role, profileName: SimulationProfileName = "steady"): ReplicaObservation {
  const profile = SIMULATION_PROFILES[profileName];
  if (inOutage(seed, profile, tick)) return unreachableObservation("simulated", "simulated outage: the replica does not answer");
  const queryLatencyMs = round2(0.4 + 1.6 * unitAt(seed, STREAM.latency, tick));
  const base = {
    engine: "simulated" as const,
    reachable: true,
    error: null,
    queryLatencyMs,
    role,
    timeline: 1,
    standbys: [],
    slots: [],
  };
  const latest = walPositionAt(seed, profile, tick);
  if (role === "primary") {
    return {
      ...base,
      lsn: { current: String(latest), received: null, replayed: null },
      lag: { bytes: null, seconds: null },
      walReceiver: null,
      conflicts: { recovery: 0, logical: 0 },
      settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "off" },
    };
  }
  const delay = replayDelayAt(seed, profile, tick);
  const received = walPositionAt(seed, profile, tick - Math.min(delay, RECEIVE_DELAY_SECONDS));
  const replayed = walPositionAt(seed, profile, tick - delay);
  return {
    ...base,
    lsn: { current: null, received: String(received), replayed: String(replayed) },
    lag: { bytes: latest - replayed, seconds: round2(delay) },
    walReceiver: {
      status: "streaming",
      senderHost: "simulated-primary",
      senderPort: 5432,
      receivedTli: 1,
      flushedLsn: String(received),
      lastMessageAt: null,
      slotName: null,
    },
    conflicts: { recovery: conflictsAt(seed, profile, tick), logical: 0 },
    settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "on" },
  };
}

export interface SimulatedReportOptions {
  profile?: SimulationProfileName;
  /** observedAt of tick 0, in ms since the epoch; a fixed date by default, so the report is pure. */
  startMs?: number;
  intervalMs?: number;
  peers?: PeerProbe[];
}

/** A whole report (seq = tick + 1), e.g. for benchmarks that post thousands without running agents. */
export function simulatedReport(seed: number, tick: number, role: Role, options: SimulatedReportOptions = {}): AgentReport {
  const { profile = "steady", startMs = Date.UTC(2026, 0, 1), intervalMs = 1000, peers = [] } = options;
  return {
    seq: tick + 1,
    observedAt: new Date(startMs + tick * intervalMs).toISOString(),
    ...simulatedObservation(seed, tick, role, profile),
    peers,
  };
}

export class SimulatedAdapter implements EngineAdapter {
  readonly engine = "simulated" as const;
  private tick = 0;

  constructor(
    private readonly seed: number,
    private readonly role: Role,
    private readonly profile: SimulationProfileName = "steady",
  ) {}

  async probe(): Promise<ReplicaObservation> {
    return simulatedObservation(this.seed, this.tick++, this.role, this.profile);
  }

  async close(): Promise<void> {}
}
