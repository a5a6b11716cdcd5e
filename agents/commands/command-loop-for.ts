import type { AgentConfig } from "../config";
import type { ControlPlaneReach } from "../control-planes";
import { trackingServerChanges, type ServerChanges } from "../health/server-changes";
import { errorMessage } from "../error-message";
import type { Logger } from "../log";
import type { AgentMetrics } from "../metrics";
import { simulatedExecutor, type CommandExecutor } from "./command-executor";
import { CommandLedger } from "./command-ledger";
import { CommandLoop } from "./command-loop";
import { MariadbExecutor } from "../mariadb/mariadb-executor";
import { PostgresExecutor } from "./postgres-executor";
import { ScriptRunner } from "./script-runner";
import type { CommandKeyRing } from "./command-key-ring";

/**
 * The command loop the config asks for, or null: without a `commands`
 * section, or with a ledger that cannot be read. The latter only turns
 * commands off, never the agent: without its reports the control plane
 * would take the replica's region for dead, which is worse than a replica
 * that cannot be commanded until someone looks at the ledger.
 */
export function commandLoopFor(
  config: AgentConfig,
  keyRing: CommandKeyRing | null,
  metrics: AgentMetrics,
  log: Logger,
  changes?: ServerChanges,
  reach?: ControlPlaneReach,
  reportNow?: () => void,
): CommandLoop | null {
  const { commands, replica } = config;
  if (!commands || !keyRing) {
    log.info("commands.off", "the config has no commands section: this agent takes no commands");
    return null;
  }
  let ledger: CommandLedger;
  try {
    ledger = CommandLedger.open(config.queue.dir);
  } catch (error) {
    log.error("bug", "commands.ledger_unreadable", `${errorMessage(error)}; this agent takes no commands until it is fixed`);
    return null;
  }
  const server: CommandExecutor = executorFor(config);
  const local = new ScriptRunner(config.scripts ?? {}, server);
  const executor = changes ? trackingServerChanges(local, changes) : local;
  return new CommandLoop({
    controlPlaneUrl: reach?.controlPlaneUrl ?? config.controlPlaneUrl,
    ...(reach ? { http: reach.http() } : {}),
    token: config.token,
    verifier: { agentName: config.agentName, replicaName: replica.name },
    keyRing,
    pollSeconds: commands.pollSeconds,
    ledger,
    executor,
    metrics,
    log,
    ...(reportNow ? { reportNow } : {}),
  });
}

function executorFor({ replica, commands, replication, server, queue }: AgentConfig): CommandExecutor {
  switch (replica.engine) {
    case "postgresql":
      return new PostgresExecutor({
        connectionString: commands?.connectionString ?? replica.connectionString,
        replicaName: replica.name,
        replication: replication ?? null,
        server: server ?? null,
        stateDir: queue.dir,
      });
    case "mariadb":
      return new MariadbExecutor({
        connectionString: commands?.connectionString ?? replica.connectionString,
        applicationConnectionString: replica.connectionString,
        replicaName: replica.name,
        replication: replication ?? null,
        formerDataDir: replica.formerDataDir ?? null,
      });
    case "simulated":
      return simulatedExecutor;
  }
}
