import { adapterFor } from "./adapters/adapter-for";
import { Agent } from "./agent";
import { CommandKeyRing } from "./commands/command-key-ring";
import { commandLoopFor } from "./commands/command-loop-for";
import type { AgentConfig } from "./config";
import { choosingHttpClient, ControlPlaneChoice } from "./control-planes";
import { createHttpClient } from "./http-post";
import { Delivery } from "./delivery";
import { errorMessage } from "./error-message";
import { collectEvery, exposedCollector } from "./heap-collection";
import { serveHealth } from "./health/health-server";
import { HealthState } from "./health/health-state";
import { ServerChanges } from "./health/server-changes";
import type { Logger } from "./log";
import { AgentMetrics, serveMetrics } from "./metrics";
import { primaryLeaseKeeperFor } from "./primary-lease/primary-lease-keeper-for";
import { ReportQueue } from "./report-queue";
import { createReportStreamClient } from "./report-stream";
import { AGENT_VERSION } from "./version";
import { LocalServer } from "./commands/rewind/local-server";
import { MariadbPeerProbes } from "./mariadb/peer-probes";
import { InPlaceRestarter } from "./restart/in-place-restarter";
import { PeerProbes } from "./witness";
import { WitnessIdentity } from "./witness-identity";

export interface RunningAgent {
  agent: Agent;
  /** Finishes the current tick and command, flushes the queue, and closes everything. */
  stop(): Promise<void>;
}

/** Wires the agent's parts from its config and starts them: the loop, the command loop, the lease keeper, the metrics and health endpoints. */
export async function startAgent(config: AgentConfig, log: Logger, clock: () => Date): Promise<RunningAgent> {
  const metrics = new AgentMetrics();
  const queue = ReportQueue.open(config.queue.dir, {
    maxBytes: config.queue.maxBytes,
    onDrop: (count) => metrics.reportsDropped.inc({ reason: "queue_full" }, count),
  });
  const witness = WitnessIdentity.open(config.queue.dir, { replica: config.replica.name, regionId: config.replica.regionId });
  const adapter = adapterFor(config.replica, config.probeTimeoutMs);
  // A MariaDB agent's peers are MariaDB servers: its witness speaks their protocol and reads their received positions.
  // A peer closing the witness's connection (its server died) has the agent probe and report at once (`agent` is wired below).
  const probeNow = () => agent.reportNow();
  const witnesses = config.replica.engine === "mariadb" ? new MariadbPeerProbes(witness, probeNow) : new PeerProbes(witness, probeNow);
  // One ring for commands and witness rosters: a rotation the command poll learns of holds for both.
  const keyRing = config.commands ? await CommandKeyRing.open(config.queue.dir, config.commands.publicKey) : null;
  const changes = new ServerChanges();
  // One choice of copy for the reports, the command poll and the lease: when one of them finds a copy gone, all move on.
  const copies = ControlPlaneChoice.of(config.controlPlaneUrl, ({ from, to, rule, why }) =>
    log.warn("control_plane.moved", `moving from ${from} to ${to} (${rule}): ${why}`, { from, to, rule }),
  );
  const reaching = { controlPlaneUrl: copies.first, http: (inner = createHttpClient()) => choosingHttpClient(copies, inner) };
  // Reports at once when a run waits on them or a command changed what they say (`agent` is wired below, before anything polls).
  const commandLoop = commandLoopFor(config, keyRing, metrics, log, changes, reaching, () => agent.reportNow());
  const leaseKeeper = primaryLeaseKeeperFor(config, keyRing, metrics, log, reaching);
  const health = new HealthState({
    // A tick probes within probeTimeoutMs; missing a few ticks in a row means the loop is stuck.
    staleAfterMs: 3 * config.intervalMs + config.probeTimeoutMs,
    changes,
    keeper: leaseKeeper,
    commandEpoch: () => commandLoop?.highestEpoch ?? null,
  });
  const delivery = new Delivery({
    controlPlaneUrl: reaching.controlPlaneUrl,
    // Each copy's stream carries the batches; the move rules see what its fallback POST meets when it breaks.
    poster: choosingHttpClient(
      copies,
      createReportStreamClient(createHttpClient(), {
        intervalMs: config.intervalMs,
        onRule: (rule, detail) => log.warn("delivery.stream", `${rule.sentence} (${rule.id}: ${detail})`, { rule: rule.id }),
      }),
    ),
    token: config.token,
    agentVersion: AGENT_VERSION,
    witnessKey: witness.publicKey,
    queue,
    metrics,
    log,
    wallClock: clock,
    onStored: (result) => health.heardFromControlPlane(result.standby),
  });
  const healthEndpoint = config.health.port > 0 ? { host: config.health.host, port: config.health.port, tls: config.health.tls !== undefined } : null;
  const restarter =
    config.server && config.replica.engine === "postgresql"
      ? new InPlaceRestarter({
          server: new LocalServer(config.server),
          enabled: config.server.inPlaceRestart.enabled,
          limit: { maxRestarts: config.server.inPlaceRestart.maxRestarts, withinMs: config.server.inPlaceRestart.withinMinutes * 60_000 },
          lease: leaseKeeper,
          log,
          // Probe and report the restarted server at once, not at the next tick.
          onRestarted: () => void agent.scheduleTick(),
        })
      : null;
  const agent = new Agent({ config, adapter, queue, delivery, metrics, log, now: clock, witnesses, keeper: leaseKeeper ?? undefined, restarter: restarter ?? undefined, health, healthEndpoint });
  const metricsServer = config.metrics.port > 0 ? await serveMetrics(metrics, config.metrics.port, config.metrics.host) : null;
  const healthServer = config.health.port > 0 ? await serveHealth(() => health.facts(), config.health) : null;

  agent.start();
  commandLoop?.start();
  leaseKeeper?.start();
  const collector = exposedCollector();
  const heapCollection = collector ? collectEvery(collector) : null;
  log.info("agent.started", `agent ${config.agentName} v${AGENT_VERSION} watching ${config.replica.name} (${config.replica.engine}) every ${config.intervalMs} ms`, {
    replica: config.replica.name,
    regionId: config.replica.regionId,
    engine: config.replica.engine,
    peers: config.peers.length,
    queued: queue.depth,
    lastSeq: queue.lastSeq,
    metricsPort: config.metrics.port || null,
    healthPort: config.health.port || null,
    healthTls: config.health.tls !== undefined,
    commands: commandLoop !== null,
    commandKeys: keyRing?.ids ?? [],
    primaryLease: leaseKeeper !== null,
    heapCollection: heapCollection !== null,
  });

  return {
    agent,
    async stop() {
      heapCollection?.stop();
      await Promise.all([agent.stop(), commandLoop?.stop(), leaseKeeper?.stop()]).catch((error: unknown) => log.error("bug", "agent.stop_failed", errorMessage(error)));
      metricsServer?.close();
      healthServer?.close();
      log.info("agent.stopped", `stopped with ${queue.depth} reports queued`);
    },
  };
}
