import { formatAddress } from "@/lab/address";
import type { Lab, LabReplicaInfo } from "@/lab/lab";
import type { LabNetwork } from "@/lab/network/lab-network";
import { CONTROL_PLANE } from "@/lab/network/links";
import { pgdataDir, serverLogFile } from "@/lab/paths";
import type { Db } from "@/server/db/client";
import { labAgentEnrolled } from "@/server/lab/lab-credentials";

export interface LabAgentArgsInput {
  dataDir: string;
  lab: Lab;
  network: LabNetwork;
  replica: LabReplicaInfo;
  /** The folder of pg_ctl and pg_rewind. */
  binDir: string;
  metricsPort: number;
  /** The health endpoints load balancers (and the lab's tests) check. */
  healthPort: number;
  /**
   * Whether the agent restarts its crashed server in place. Off in the lab
   * unless asked (LAB_RESTART_IN_PLACE=on): the lab's `kill <region>` stands
   * for losing the region, whose servers do not come back by themselves.
   */
  restartInPlace: boolean;
}

/**
 * What a lab agent is told on its host, as the flags of `switchyard-agent
 * enroll` and `configure` (what a user would type): its own replica
 * directly, and everything in another region — the control plane, the
 * peers the control plane names, any primary a command tells it to follow —
 * over its region's links (`--via`), so that a cut or slow link is felt where
 * it would be.
 */
export function labAgentArgs(input: LabAgentArgsInput): string[] {
  const { lab, network, replica } = input;
  // Its peers are its own service's replicas (the control plane names them); another service's are none of its business.
  const others = lab.replicas.filter((peer) => peer.serviceId === replica.serviceId && peer.name !== replica.name);
  const flags: [string, string][] = [
    ["--control-plane", `http://${formatAddress(network.addressOf(replica.regionId, CONTROL_PLANE))}`],
    ["--postgres", lab.connectionString(replica.name)],
    // The lab's clusters share one superuser, which may also stream.
    ["--replication-user", "postgres"],
    ["--replication-password", lab.password],
    ...others.map((peer): [string, string] => ["--via", `${formatAddress(peer)}=${formatAddress(network.addressOf(replica.regionId, peer.name))}`]),
    ["--data-dir", pgdataDir(input.dataDir, replica.name)],
    ["--bin-dir", input.binDir],
    ["--server-log", serverLogFile(input.dataDir, replica.name)],
    ["--restart-in-place", input.restartInPlace ? "on" : "off"],
    ["--metrics-port", String(input.metricsPort)],
    ["--health-port", String(input.healthPort)],
  ];
  return joinedFlags(flags);
}

/** Each flag joined to its value with "=": a value starting with a dash (a random password can) would otherwise be read as an option. */
export function joinedFlags(flags: readonly [string, string][]): string[] {
  return flags.map(([flag, value]) => `${flag}=${value}`);
}

/**
 * A lab agent enrolled with a token `token` issues (as an admin would), or,
 * enrolled before, told its host settings anew (its ports may move) while it
 * keeps its identity; `agent` runs its bundle once. What the agent said.
 */
export async function enrollOrConfigure(input: { client: Db; stateDir: string; hostArgs: readonly string[]; token: () => Promise<string>; agent: (args: readonly string[]) => Promise<string> }): Promise<string> {
  const { client, stateDir, hostArgs, token, agent } = input;
  if (await labAgentEnrolled(client, stateDir)) return agent(["configure", ...hostArgs]);
  return agent(["enroll", "--token", await token(), "--replace", ...hostArgs]);
}
