import { adapterFor } from "./adapters/adapter-for";
import { Agent } from "./agent";
import { commandLoopFor } from "./commands/command-loop-for";
import { ConfigError, configPath, loadAgentConfig, reportClock, type AgentConfig } from "./config";
import { Delivery } from "./delivery";
import { errorMessage } from "./error-message";
import { createLogger } from "./log";
import { AgentMetrics, serveMetrics } from "./metrics";
import { primaryLeaseKeeperFor } from "./primary-lease/primary-lease-keeper-for";
import { ReportQueue } from "./report-queue";
import { AGENT_VERSION } from "./version";
import { vouchingProbes } from "./witness";
import { WitnessIdentity } from "./witness-identity";

/**
 * switchyard-agent <config.json>  (or SWITCHYARD_AGENT_CONFIG=<config.json>)
 *
 * Exit codes: 0 after SIGINT/SIGTERM, 2 for a config it cannot use, 1 when
 * it cannot start (e.g. the queue folder is not writable).
 */

function readConfig(): AgentConfig {
  try {
    return loadAgentConfig(configPath(process.argv, process.env));
  } catch (error) {
    process.stderr.write(`switchyard-agent: ${error instanceof ConfigError ? error.message : errorMessage(error)}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const clock = reportClock(process.env);
  const log = createLogger(config.agentName);
  process.on("uncaughtException", (error) => log.error("bug", "process.uncaught_exception", errorMessage(error), { stack: error.stack }));
  process.on("unhandledRejection", (reason) => log.error("bug", "process.unhandled_rejection", errorMessage(reason), { stack: (reason as Error)?.stack }));

  const metrics = new AgentMetrics();
  const queue = ReportQueue.open(config.queue.dir, {
    maxBytes: config.queue.maxBytes,
    onDrop: (count) => metrics.reportsDropped.inc({ reason: "queue_full" }, count),
  });
  const witness = WitnessIdentity.open(config.queue.dir, { replica: config.replica.name, regionId: config.replica.regionId });
  const delivery = new Delivery({ controlPlaneUrl: config.controlPlaneUrl, token: config.token, agentVersion: AGENT_VERSION, witnessKey: witness.publicKey, queue, metrics, log, wallClock: clock });
  const adapter = adapterFor(config.replica, config.probeTimeoutMs);
  const probePeers = vouchingProbes(witness);
  const agent = new Agent({ config, adapter, queue, delivery, metrics, log, now: clock, probePeers });
  const commandLoop = await commandLoopFor(config, metrics, log);
  const leaseKeeper = await primaryLeaseKeeperFor(config, metrics, log);
  const metricsServer = config.metrics.port > 0 ? await serveMetrics(metrics, config.metrics.port, config.metrics.host) : null;

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("agent.stopping", `${signal}: finishing the current tick and command, and flushing the queue`);
    void Promise.all([agent.stop(), commandLoop?.stop(), leaseKeeper?.stop()])
      .catch((error: unknown) => log.error("bug", "agent.stop_failed", errorMessage(error)))
      .finally(() => {
        metricsServer?.close();
        log.info("agent.stopped", `stopped with ${queue.depth} reports queued`);
        process.exit(0);
      });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  agent.start();
  commandLoop?.start();
  leaseKeeper?.start();
  log.info("agent.started", `agent ${config.agentName} v${AGENT_VERSION} watching ${config.replica.name} (${config.replica.engine}) every ${config.intervalMs} ms`, {
    replica: config.replica.name,
    regionId: config.replica.regionId,
    engine: config.replica.engine,
    peers: config.peers.length,
    queued: queue.depth,
    lastSeq: queue.lastSeq,
    metricsPort: config.metrics.port || null,
    commands: commandLoop !== null,
    primaryLease: leaseKeeper !== null,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`switchyard-agent: cannot start: ${errorMessage(error)}\n`);
  process.exit(1);
});
