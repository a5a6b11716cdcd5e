import type { AgentHealthEndpoint } from "@/contracts/agent-reports";
import { parseHealthQuery } from "@/core/health-checks/health-query";

/**
 * An HAProxy configuration that sends a service's clients where the agents'
 * health endpoints say: a write port whose only live backend is the replica
 * answering 200 on `/primary` (Patroni's path, so the layout is the one
 * Patroni users run), and a read port over the standbys answering 200 on
 * `/replica?lag=…`. Pure: the CLI and the lab feed it the topology.
 */

/** One replica as the configuration needs it: where clients reach its server, and where its agent answers health checks. */
export interface BackendReplica {
  name: string;
  role: "primary" | "standby" | "witness";
  host: string;
  port: number;
  /** Null when its agent serves no health endpoints or has not said where. */
  health: AgentHealthEndpoint | null;
}

/** How often HAProxy asks and how many answers flip a server (see `DEFAULT_CHECK_TIMING`). */
export interface CheckTiming {
  interMs: number;
  /** While a server is changing state (after its first failed check). */
  fastInterMs: number;
  /** While a server is down. */
  downInterMs: number;
  fall: number;
  /** Checks in a row before a server takes traffic again: the write port uses `writeRise`. */
  rise: number;
  writeRise: number;
  timeoutMs: number;
}

/**
 * Fast failover without flapping: a replica whose agent stops answering 200
 * is out within about `inter + fastinter` (≈ 350 ms); a new primary takes
 * writes at its first 200, safe because `/primary` never answers 200 on two
 * replicas at once (the agent drops it before its server is fenced). Read
 * backends need two good answers in a row to come back.
 */
export const DEFAULT_CHECK_TIMING: CheckTiming = { interMs: 250, fastInterMs: 100, downInterMs: 500, fall: 2, rise: 2, writeRise: 1, timeoutMs: 1_000 };

export interface HaproxyConfigInput {
  serviceId: string;
  replicas: readonly BackendReplica[];
  /** The address HAProxy listens on for clients. */
  bind: string;
  writePort: number;
  readPort: number;
  /** The read port's lag limit, as `/replica?lag=` takes it (bytes, or `16MB`). */
  maxLag: string;
  /** Optional limit in seconds (`/replica?max_lag_seconds=`). */
  maxLagSeconds?: string;
  /** For agents serving their health endpoints over HTTPS: the CA that signed them (else they are not verified, and said so). */
  healthCaFile?: string;
  timing?: CheckTiming;
  /** Said in the header, e.g. the command that wrote it and when. */
  generatedBy: string;
}

/** Why a replica is not a backend: checked in order, the first that matches is said. */
export const LEFT_OUT: readonly { id: string; when: (replica: BackendReplica) => boolean; sentence: (replica: BackendReplica) => string }[] = [
  { id: "witness", when: (replica) => replica.role === "witness", sentence: (replica) => `${replica.name} is a witness: it holds no data clients could use` },
  {
    id: "no-health-endpoint",
    when: (replica) => replica.health === null,
    sentence: (replica) => `${replica.name}'s agent serves no health endpoints (or has not reported where): enroll or configure it with --health-port, then generate again`,
  },
];

export interface HaproxyConfig {
  text: string;
  /** Replicas that are no backend, each with why. */
  leftOut: { replica: string; rule: string; sentence: string }[];
  /** What an operator should know before using it (unverified TLS). */
  warnings: string[];
}

const WILDCARDS = new Set(["0.0.0.0", "::", "*", "[::]"]);

/** HAProxy reads the last colon of an address as the port's: an IPv6 literal is written `ipv6@addr:port`, and in brackets where no port follows (`addr`). */
function address(host: string, port: number): string {
  return host.includes(":") ? `ipv6@${host}:${port}` : `${host}:${port}`;
}

const bareAddress = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** The address a health check goes to: the agent's listening address, or the replica's host when the agent listens on every address. */
export function checkAddress(replica: BackendReplica & { health: AgentHealthEndpoint }): string {
  return WILDCARDS.has(replica.health.host) ? replica.host : replica.health.host;
}

export class HaproxyConfigError extends Error {}

function validPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new HaproxyConfigError(`${what} ${port}: must be a port number from 1 to 65535`);
}

/** HAProxy names: letters, digits and `-_.:`; a replica name already is one (it is PostgreSQL's application_name). */
function proxyName(serviceId: string, suffix: string): string {
  return `${serviceId.replace(/[^A-Za-z0-9_.:-]/g, "_")}-${suffix}`;
}

export function haproxyConfig(input: HaproxyConfigInput): HaproxyConfig {
  validPort(input.writePort, "the write port");
  validPort(input.readPort, "the read port");
  if (input.writePort === input.readPort) throw new HaproxyConfigError(`the write and read ports are both ${input.writePort}: give them different ports`);
  const query = new URLSearchParams({ lag: input.maxLag, ...(input.maxLagSeconds === undefined ? {} : { max_lag_seconds: input.maxLagSeconds }) });
  const parsed = parseHealthQuery(query);
  if (!parsed.ok) throw new HaproxyConfigError(`the read port's ${parsed.parameter === "lag" ? "lag limit" : "lag limit in seconds"}: ${parsed.message.replace(/^query parameter /, "")}`);
  const timing = input.timing ?? DEFAULT_CHECK_TIMING;

  const leftOut: HaproxyConfig["leftOut"] = [];
  const backends: (BackendReplica & { health: AgentHealthEndpoint })[] = [];
  for (const replica of input.replicas) {
    const rule = LEFT_OUT.find((row) => row.when(replica));
    if (rule) leftOut.push({ replica: replica.name, rule: rule.id, sentence: rule.sentence(replica) });
    else backends.push(replica as BackendReplica & { health: AgentHealthEndpoint });
  }
  const warnings: string[] = [];
  const unverified = backends.filter((replica) => replica.health.tls && !input.healthCaFile).map((replica) => replica.name);
  if (unverified.length) warnings.push(`${unverified.join(", ")} serve${unverified.length === 1 ? "s" : ""} health checks over HTTPS: without a CA file (--health-ca-file) HAProxy does not verify ${unverified.length === 1 ? "its" : "their"} certificate`);

  const server = (replica: BackendReplica & { health: AgentHealthEndpoint }) => {
    const tls = replica.health.tls ? ` check-ssl verify ${input.healthCaFile ? `required ca-file ${input.healthCaFile}` : "none"}` : "";
    return `    server ${replica.name} ${address(replica.host, replica.port)} check addr ${bareAddress(checkAddress(replica))} port ${replica.health.port}${tls}`;
  };
  const defaultServer = (rise: number) =>
    `    default-server inter ${timing.interMs}ms fastinter ${timing.fastInterMs}ms downinter ${timing.downInterMs}ms fall ${timing.fall} rise ${rise} on-marked-down shutdown-sessions`;
  const noBackends = backends.length ? [] : ["    # No replica has a health endpoint yet: every connection is refused until one does."];

  const lines = [
    `# HAProxy configuration for ${input.serviceId}, ${input.generatedBy}.`,
    "# Write port: only the replica whose agent answers 200 on /primary (Patroni's path) is up;",
    "# read port: the standbys answering 200 on /replica within the lag limit.",
    "# A server marked down has its client sessions cut (on-marked-down shutdown-sessions),",
    "# so clients of a demoted primary reconnect to the new one.",
    ...leftOut.map((item) => `# Left out: ${item.sentence}.`),
    "",
    "global",
    "    maxconn 2000",
    "",
    "defaults",
    "    mode tcp",
    "    retries 2",
    "    timeout connect 4s",
    "    timeout client 30m",
    "    timeout server 30m",
    `    timeout check ${timing.timeoutMs}ms`,
    "",
    `listen ${proxyName(input.serviceId, "write")}`,
    `    bind ${address(input.bind, input.writePort)}`,
    "    option httpchk GET /primary",
    "    http-check expect status 200",
    defaultServer(timing.writeRise),
    ...noBackends,
    ...backends.map(server),
    "",
    `listen ${proxyName(input.serviceId, "read")}`,
    `    bind ${address(input.bind, input.readPort)}`,
    "    balance roundrobin",
    `    option httpchk GET /replica?${query.toString()}`,
    "    http-check expect status 200",
    defaultServer(timing.rise),
    ...noBackends,
    ...backends.map(server),
    "",
  ];
  return { text: lines.join("\n"), leftOut, warnings };
}
