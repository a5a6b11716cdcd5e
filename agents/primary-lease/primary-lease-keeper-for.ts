import type { CommandKeyRing } from "../commands/command-key-ring";
import type { AgentConfig } from "../config";
import type { ControlPlaneReach } from "../control-planes";
import type { Logger } from "../log";
import type { AgentMetrics } from "../metrics";
import { createHttpClient } from "../http-post";
import { mariadbLeaseServer } from "../mariadb/mariadb-lease-server";
import { createLeaseStreamClient } from "./lease-stream-client";
import { postgresLeaseServer } from "./local-session";
import { PrimaryLeaseKeeper } from "./primary-lease-keeper";

/**
 * The lease keeper the config allows, or null. It needs the commands'
 * connection (PostgreSQL: ALTER SYSTEM, pg_terminate_backend; MariaDB:
 * read_only, KILL CONNECTION) and the control plane's key (the witness
 * rosters are signed with it), and a simulated replica has no server to
 * fence.
 */
export function primaryLeaseKeeperFor(config: AgentConfig, keyRing: CommandKeyRing | null, metrics: AgentMetrics, log: Logger, reach?: ControlPlaneReach): PrimaryLeaseKeeper | null {
  const { commands, replica } = config;
  if (!commands || !keyRing || replica.engine === "simulated") {
    log.info("primary_lease.off", `${commands ? "a simulated replica" : "without a commands section the agent has no role that may fence"}: this replica never fences itself when its lease lapses`);
    return null;
  }
  // Renewals travel on a lease stream of their own, inside the choice of copy: the stream is opened to (and follows) the current copy.
  const leaseStream = createLeaseStreamClient(createHttpClient(), {
    intervalMs: config.intervalMs,
    onRule: (rule, detail) => log.warn("primary_lease.stream", `${rule.sentence} (${rule.id}: ${detail})`, { rule: rule.id }),
  });
  return new PrimaryLeaseKeeper({
    controlPlaneUrl: reach?.controlPlaneUrl ?? config.controlPlaneUrl,
    http: reach ? reach.http(leaseStream) : leaseStream,
    token: config.token,
    agentName: config.agentName,
    controlPlaneKeys: keyRing,
    replica: { replica: replica.name, regionId: replica.regionId },
    intervalMs: config.intervalMs,
    timeoutMs: config.probeTimeoutMs,
    server: (replica.engine === "mariadb" ? mariadbLeaseServer : postgresLeaseServer)(commands.connectionString ?? replica.connectionString, config.probeTimeoutMs),
    stateDir: config.queue.dir,
    metrics,
    log,
  });
}
