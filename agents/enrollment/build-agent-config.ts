import path from "node:path";
import type { AgentRuntimeConfig } from "@/contracts/enrollment";
import { agentConfigSchema, ConfigError, type AgentConfig } from "../config";
import { QUEUE_DIR, type AgentState } from "./agent-state";

/** The long-poll's wait: the most the control plane holds a request, so a command is handed out at once. */
const COMMAND_POLL_SECONDS = 25;

/** `host:port`, an IPv6 host in brackets, as `via` keys are written. */
function addressKey(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * A peer's connection string: the local monitoring role's URL (the role
 * physical replication copies to every replica) pointed at the peer's host,
 * port and database, through the address `via` maps it to, if any.
 */
export function peerConnectionString(monitoringUrl: string, peer: { host: string; port: number; database: string }, via: Readonly<Record<string, string>> = {}): string {
  const url = new URL(monitoringUrl);
  const mapped = via[addressKey(peer.host, peer.port)];
  const target = mapped ?? addressKey(peer.host, peer.port);
  const colon = target.lastIndexOf(":");
  url.hostname = target.slice(0, colon);
  url.port = target.slice(colon + 1);
  url.pathname = `/${encodeURIComponent(peer.database)}`;
  return url.toString();
}

/**
 * The runtime config of an enrolled agent: what the control plane decides
 * (replica, peers, intervals) joined to what only the host knows (its
 * connection URLs, credentials, folders) and the key pinned at enrollment,
 * never a key fetched later (a rotation reaches the agent only as statements
 * signed by a key it already trusts: command-key-ring.ts). Checked by the
 * same schema as a config file.
 */
export function buildAgentConfig(state: AgentState, remote: AgentRuntimeConfig, stateDir: string): AgentConfig {
  const { host } = state;
  const parsed = agentConfigSchema.safeParse({
    controlPlaneUrl: state.controlPlaneUrl,
    token: state.token,
    agentName: state.agentName,
    ...engineParts(state, remote),
    intervalMs: remote.intervalMs,
    probeTimeoutMs: remote.probeTimeoutMs,
    queue: { dir: path.join(stateDir, QUEUE_DIR) },
    metrics: host.metrics,
    health: host.health,
  });
  if (!parsed.success) {
    throw new ConfigError(`the control plane's config and this host's settings do not make a valid agent config: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** What differs by engine: the replica's connection, the peers it witnesses, the commands' connection, what rewind needs. */
function engineParts(state: AgentState, remote: AgentRuntimeConfig): Record<string, unknown> {
  const { host } = state;
  const { name, regionId, engine } = remote.replica;
  const commandKey = { publicKey: state.commandKey.publicKey, pollSeconds: COMMAND_POLL_SECONDS };
  if (engine === "postgresql" && host.postgres !== undefined) {
    const postgres = host.postgres;
    return {
      replica: { name, regionId, engine: "postgresql", connectionString: postgres },
      peers: remote.peers.map((peer) => ({ replica: peer.replica, regionId: peer.regionId, connectionString: peerConnectionString(postgres, peer, host.via) })),
      commands: { ...commandKey, ...(host.commandsPostgres ? { connectionString: host.commandsPostgres } : {}) },
      ...(host.replication ? { replication: { ...host.replication, ...(host.via ? { via: host.via } : {}) } } : {}),
      ...(host.server ? { server: host.server } : {}),
    };
  }
  if (engine === "mariadb" && host.mariadb !== undefined) {
    const mariadb = host.mariadb;
    return {
      replica: { name, regionId, engine: "mariadb", connectionString: mariadb, ...(host.formerDataDir ? { formerDataDir: host.formerDataDir } : {}) },
      // Probed over MariaDB (agents/mariadb/peer-probes.ts): a primary's agent reading each replica's received position is the second witness a fenced promotion waits for.
      peers: remote.peers.map((peer) => ({ replica: peer.replica, regionId: peer.regionId, connectionString: peerConnectionString(mariadb, peer, host.via) })),
      commands: { ...commandKey, ...(host.commandsMariadb ? { connectionString: host.commandsMariadb } : {}) },
      ...(host.replication ? { replication: { ...host.replication, ...(host.via ? { via: host.via } : {}) } } : {}),
    };
  }
  const given = host.mariadb !== undefined ? "--mariadb" : "--postgres";
  const needed = engine === "mariadb" ? "--mariadb" : engine === "postgresql" ? "--postgres" : null;
  throw new ConfigError(
    needed
      ? `replica ${name} runs ${engine}, but this host was enrolled with ${given}: run switchyard-agent configure with ${needed} <url of the local server>`
      : `replica ${name} runs ${engine}; an enrolled agent watches PostgreSQL and MariaDB replicas only`,
  );
}
