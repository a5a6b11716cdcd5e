import { performance } from "node:perf_hooks";
import type { AgentHealthEndpoint, AgentReport, PeerProbe } from "@/contracts/agent-reports";
import type { ReplicaObservation, EngineAdapter } from "./adapters/engine-adapter";
import type { AgentConfig } from "./config";
import type { Delivery } from "./delivery";
import { errorMessage } from "./error-message";
import type { HealthState } from "./health/health-state";
import type { Logger } from "./log";
import type { AgentMetrics } from "./metrics";
import type { ReportQueue } from "./report-queue";
import type { PrimaryLeaseKeeper } from "./primary-lease/primary-lease-keeper";
import type { InPlaceRestarter } from "./restart/in-place-restarter";
import { REPEAT_LOG_MS } from "./retry";
import { PeerProbes, type PeerWitness, type TimedPeerProbe } from "./witness";

type ProbeDurationChild = ReturnType<AgentMetrics["probeDuration"]["labels"]>;

export interface AgentParts {
  config: Pick<AgentConfig, "intervalMs" | "probeTimeoutMs" | "peers">;
  adapter: EngineAdapter;
  queue: ReportQueue;
  delivery: Pick<Delivery, "deliver" | "flush" | "close">;
  metrics: AgentMetrics;
  log: Logger;
  /** Takes each probe of the local replica, for the health endpoints. */
  health?: Pick<HealthState, "observed">;
  /** Where the health endpoints are served, told in every report so load balancer configurations can be generated from the API. */
  healthEndpoint?: AgentHealthEndpoint | null;
  /** The primary lease keeper, told what every probe of the local server saw (it reads a standby rarely unless woken). */
  keeper?: Pick<PrimaryLeaseKeeper, "probed">;
  /** Restarts the local server in place when it crashed; told after every probe of it. */
  restarter?: Pick<InPlaceRestarter, "observed" | "report" | "stop">;
  /** Probes the peers; by default over kept connections, without vouching. */
  witnesses?: PeerWitness;
  now?: () => Date;
}

/**
 * The agent's loop. Every interval: probe the local replica and witness the
 * peers in parallel, queue the report, and start a delivery in the
 * background, so a slow control plane never delays a measurement. Failures
 * are sorted by what failed: an unreachable control plane leaves reports in
 * the queue (Delivery); a database error is itself the report
 * (reachable=false) and the next tick tries again; anything else is a bug,
 * logged, and the loop goes on. A report is not checked against its contract
 * here: that cost 8–11 % of a standby agent's JavaScript (lite mode), and the control
 * plane checks it anyway, refusing an invalid report alone (Delivery).
 */
export class Agent {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private readonly now: () => Date;
  private readonly witnesses: PeerWitness;
  private databaseError: { message: string; loggedAt: number } | null = null;
  private readonly peerReachable = new Map<string, boolean>();
  private skipLoggedAt = Number.NEGATIVE_INFINITY;
  private reportAfterTick = false;
  private stopped = false;
  private readonly localProbeDuration: ProbeDurationChild;
  private readonly witnessProbeDuration: ProbeDurationChild;

  constructor(private readonly parts: AgentParts) {
    this.now = parts.now ?? (() => new Date());
    this.witnesses = parts.witnesses ?? new PeerProbes();
    // Bound once: observing through the labels validates and hashes them on every call.
    this.localProbeDuration = parts.metrics.probeDuration.labels({ target: "local" });
    this.witnessProbeDuration = parts.metrics.probeDuration.labels({ target: "witness" });
  }

  start(): void {
    this.scheduleTick();
    this.timer = setInterval(() => this.scheduleTick(), this.parts.config.intervalMs);
  }

  /**
   * Takes the peers and intervals of a changed configuration (the control
   * plane's): the next tick probes the new peers, and a new interval
   * restarts the timer. A tick under way finishes with what it started with.
   */
  reconfigure(config: AgentParts["config"]): void {
    const intervalChanged = config.intervalMs !== this.parts.config.intervalMs;
    this.parts.config = config;
    if (intervalChanged && this.timer) {
      clearInterval(this.timer);
      this.timer = setInterval(() => this.scheduleTick(), config.intervalMs);
    }
  }

  /** Finishes the current tick, tries once more to deliver, and releases everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
    await this.parts.restarter?.stop();
    await this.parts.delivery.flush();
    this.parts.delivery.close();
    this.parts.queue.close();
    await Promise.all([this.parts.adapter.close(), this.witnesses.close()]);
  }

  /**
   * Probes and reports now, out of the interval: at once, or right after the
   * tick under way (which may have probed before what it was asked for
   * happened). Asked again meanwhile, still one more tick.
   */
  reportNow(): void {
    if (!this.current) {
      void this.scheduleTick();
      return;
    }
    if (this.reportAfterTick) return;
    this.reportAfterTick = true;
    void this.current.then(() => {
      this.reportAfterTick = false;
      if (!this.stopped) void this.scheduleTick();
    });
  }

  /** Starts a tick unless one is still running: a slow tick is skipped over, never piled up. */
  scheduleTick(): Promise<void> {
    if (this.current) {
      this.parts.metrics.ticksSkipped.inc();
      if (Date.now() - this.skipLoggedAt >= REPEAT_LOG_MS) {
        this.skipLoggedAt = Date.now();
        this.parts.log.warn("tick.skipped", "the previous tick is still running; skipping this one");
      }
      return this.current;
    }
    this.current = this.tick().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async tick(): Promise<void> {
    const { queue, delivery, log } = this.parts;
    try {
      const observedAt = this.now();
      const startedAt = performance.now();
      const [local, peers] = await Promise.all([this.probeLocal(), this.witness()]);
      const observation = this.witnesses.completeObservation?.(local) ?? local;
      this.parts.health?.observed(observation, startedAt);
      this.parts.keeper?.probed(observation);
      this.parts.restarter?.observed(observation.reachable);
      const report: AgentReport = {
        seq: queue.nextSeq(),
        observedAt: observedAt.toISOString(),
        ...observation,
        peers,
        health: this.parts.healthEndpoint ?? null,
        restart: this.parts.restarter?.report() ?? null,
      };
      queue.append(report);
      this.record(report);
      void delivery.deliver();
    } catch (error) {
      log.error("bug", "tick.failed", `the tick failed unexpectedly: ${errorMessage(error)}`, { stack: (error as Error).stack });
    }
  }

  private async probeLocal(): Promise<ReplicaObservation> {
    const started = performance.now();
    const observation = await this.parts.adapter.probe();
    this.localProbeDuration.observe((performance.now() - started) / 1000);
    this.logDatabase(observation);
    return observation;
  }

  private async witness(): Promise<PeerProbe[]> {
    const { config } = this.parts;
    // Even with no peers: the witness lets go of peers no longer listed and of what it read of them.
    const results: TimedPeerProbe[] = await this.witnesses.probe(config.peers, config.probeTimeoutMs);
    for (const { probe, durationMs } of results) {
      this.witnessProbeDuration.observe(durationMs / 1000);
      this.logPeer(probe);
    }
    return results.map((result) => result.probe);
  }

  private logDatabase(observation: ReplicaObservation): void {
    const { log } = this.parts;
    if (observation.reachable) {
      if (this.databaseError) log.info("replica.reachable", "the local replica answers again");
      this.databaseError = null;
      return;
    }
    const message = observation.error ?? "unknown error";
    const previous = this.databaseError;
    if (previous && previous.message === message && Date.now() - previous.loggedAt < REPEAT_LOG_MS) return;
    this.databaseError = { message, loggedAt: Date.now() };
    log.error("database_error", "replica.unreachable", `cannot query the local replica: ${message}; retrying every tick`);
  }

  private logPeer(probe: PeerProbe): void {
    const before = this.peerReachable.get(probe.replica);
    this.peerReachable.set(probe.replica, probe.reachable);
    if (before === probe.reachable || (before === undefined && probe.reachable)) return;
    if (probe.reachable) this.parts.log.info("peer.reachable", `peer ${probe.replica} (${probe.regionId}) answers again`);
    else this.parts.log.warn("peer.unreachable", `peer ${probe.replica} (${probe.regionId}) does not answer: ${probe.error}`);
  }

  private record(report: AgentReport): void {
    const { metrics, queue } = this.parts;
    metrics.replicaReachable.set(report.reachable ? 1 : 0);
    if (report.role === "primary") {
      metrics.lagBytes.set(0);
      metrics.lagSeconds.set(0);
    }
    if (report.lag.bytes !== null) metrics.lagBytes.set(report.lag.bytes);
    if (report.lag.seconds !== null) metrics.lagSeconds.set(report.lag.seconds);
    metrics.queueDepth.set(queue.depth);
    metrics.queueBytes.set(queue.bytes);
  }
}
