import path from "node:path";
import type { AgentConfig } from "@/agents/config";
import { formatAddress, type Address } from "@/lab/address";
import type { Lab, LabReplicaInfo } from "@/lab/lab";
import type { LabNetwork } from "@/lab/network/lab-network";
import { CONTROL_PLANE } from "@/lab/network/links";
import { pgdataDir, serverLogFile } from "@/lab/paths";

export interface LabAgentConfigInput {
  dataDir: string;
  lab: Lab;
  network: LabNetwork;
  replica: LabReplicaInfo;
  token: string;
  publicKeyPem: string;
  /** The folder of pg_ctl and pg_rewind. */
  binDir: string;
  /** The agent's own folder (queue, config, log). */
  folder: string;
  metricsPort: number;
}

function through(connectionString: string, address: Address): string {
  const url = new URL(connectionString);
  url.hostname = address.host;
  url.port = String(address.port);
  return url.toString();
}

/**
 * A lab agent's config: its own replica directly, and everything in another
 * region — the peers it witnesses, the control plane, any primary a command
 * tells it to follow (`replication.via`) — over its region's links, so that a
 * cut or slow link is felt where it would be.
 */
export function labAgentConfig(input: LabAgentConfigInput): AgentConfig {
  const { lab, network, replica } = input;
  const others = lab.replicas.filter((peer) => peer.name !== replica.name);
  const controlPlane = network.addressOf(replica.regionId, CONTROL_PLANE);
  return {
    controlPlaneUrl: `http://${formatAddress(controlPlane)}`,
    token: input.token,
    agentName: `agent-${replica.name}`,
    replica: { name: replica.name, regionId: replica.regionId, engine: "postgresql", connectionString: lab.connectionString(replica.name) },
    peers: others.map((peer) => ({
      replica: peer.name,
      regionId: peer.regionId,
      connectionString: through(lab.connectionString(peer.name), network.addressOf(replica.regionId, peer.regionId)),
    })),
    intervalMs: 1000,
    probeTimeoutMs: 2000,
    queue: { dir: path.join(input.folder, "queue"), maxBytes: 64 * 1024 * 1024 },
    commands: { publicKey: input.publicKeyPem, pollSeconds: 25 },
    // The lab's clusters share one superuser, which may also stream.
    replication: {
      user: "postgres",
      password: lab.password,
      via: Object.fromEntries(others.map((peer) => [formatAddress(peer), formatAddress(network.addressOf(replica.regionId, peer.regionId))])),
    },
    server: { dataDir: pgdataDir(input.dataDir, replica.name), binDir: input.binDir, logFile: serverLogFile(input.dataDir, replica.name) },
    metrics: { port: input.metricsPort, host: "127.0.0.1" },
  };
}
