import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_CRASH_LOOP } from "@/core/agents/in-place-restart";
import { MIN_REPORT_INTERVAL_MS } from "@/contracts/agent-reports";
import { parseControlPlaneUrls } from "@/core/control-planes/move-rules";
import { SIMULATION_PROFILE_NAMES } from "./adapters/simulation-profiles";
import { SSL_MODES } from "./commands/upstream-security";

const MIB = 1024 * 1024;

const name = z.string().min(1).max(128);
export const connectionString = z.string().min(1);
/** What is wrong with a `host:port` (an IPv6 host in brackets: `[::1]:5432`), or null. */
function addressProblem(text: string): string | null {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(text)) return "must be host:port (an IPv6 host in brackets)";
  const port = Number(text.slice(text.lastIndexOf(":") + 1));
  return port >= 1 && port <= 65_535 ? null : "the port must be between 1 and 65535";
}

/** Both sides checked here rather than by z.record, whose key errors do not say what is wrong. */
export const addressMap = z.record(z.string(), z.string()).superRefine((map, context) => {
  for (const [from, to] of Object.entries(map)) {
    const problem = addressProblem(from);
    if (problem) context.addIssue({ code: "custom", path: [from], message: `(the key) ${problem}` });
    const target = addressProblem(to);
    if (target) context.addIssue({ code: "custom", path: [from], message: target });
  }
});

const postgresReplicaSchema = z.strictObject({
  name,
  regionId: name,
  engine: z.literal("postgresql"),
  connectionString,
});

const mariadbReplicaSchema = z.strictObject({
  name,
  regionId: name,
  engine: z.literal("mariadb"),
  /** `mariadb://user:password@host:port/database`. */
  connectionString: z.string().regex(/^(mariadb|mysql):\/\//, { error: "must be a mariadb:// connection string" }),
  /**
   * Where a rebuild dumps a former primary's own databases before replacing
   * them (errant GTIDs, when the service's policy says `rebuild`: the choice
   * comes signed in the command, never from this config). None: a rebuild is
   * refused.
   */
  formerDataDir: z.string().min(1).optional(),
});

const simulatedReplicaSchema = z.strictObject({
  name,
  regionId: name,
  engine: z.literal("simulated"),
  seed: z.int(),
  /** A simulated replica has no server to ask, so its role is configured. */
  role: z.enum(["primary", "standby"]).default("standby"),
  profile: z.enum(SIMULATION_PROFILE_NAMES).default("steady"),
});

/**
 * The control plane's command-signing key. Only a public key is accepted: a
 * private key here would also parse (Node derives the public half) but has no
 * business on a replica's host.
 */
export const ed25519PublicKeyPem = z.string().superRefine((pem, context) => {
  if (!pem.trimStart().startsWith("-----BEGIN PUBLIC KEY-----")) {
    context.addIssue({ code: "custom", message: "must be an SPKI PEM public key (-----BEGIN PUBLIC KEY-----)" });
    return;
  }
  try {
    const type = createPublicKey(pem).asymmetricKeyType;
    if (type !== "ed25519") context.addIssue({ code: "custom", message: `must be an Ed25519 key, not ${type ?? "an unknown type"}` });
  } catch (error) {
    context.addIssue({ code: "custom", message: `is not a readable public key: ${(error as Error).message}` });
  }
});

const commandsSchema = z.strictObject({
  publicKey: ed25519PublicKeyPem,
  pollSeconds: z.int().min(1).max(30).default(25),
  /**
   * Commands change the server (ALTER SYSTEM, pg_promote, pg_terminate_backend,
   * CHECKPOINT), which the monitoring role may not do; defaults to the
   * replica's connection string.
   */
  connectionString: connectionString.optional(),
});

/** For `repoint` and `rewind`: the credentials a standby streams with (commands never carry secrets). */
export const replicationSchema = z.strictObject({
  user: name,
  /** It ends up in postgresql.auto.conf (primary_conninfo), whose strings cannot hold a line break. */
  password: z
    .string()
    .min(1)
    .refine((password) => !/[\r\n]/.test(password), "must not contain a line break (primary_conninfo, where it goes, cannot hold one)"),
  /**
   * The address this replica's region reaches a primary by, for each
   * address a command may name (`"10.0.0.7:5432": "10.1.0.2:6432"`): a
   * proxy, NAT or tunnel between regions. Addresses not listed are used
   * as they are.
   */
  via: addressMap.optional(),
  /**
   * TLS for every connection to a primary (base backup, pg_rewind, the
   * timeline history, primary_conninfo): libpq's sslmode; `verify-full`
   * in production, with the CA pinned in sslRootCert
   * (commands/upstream-security.ts).
   */
  sslMode: z.enum(SSL_MODES).optional(),
  /** PEM file of the CA the primary's certificate must chain to; required by verify-ca and verify-full. */
  sslRootCert: z.string().min(1).optional(),
});

/** For the schemas that carry replicationSchema (a refined object cannot be omitted from). */
export function checkReplicationTls(replication: { sslMode?: string; sslRootCert?: string }, context: z.RefinementCtx): void {
  if ((replication.sslMode === "verify-ca" || replication.sslMode === "verify-full") && replication.sslRootCert === undefined) {
    context.addIssue({ code: "custom", path: ["sslRootCert"], message: "verify-ca and verify-full check the primary's certificate against a CA: name its PEM file" });
  }
}

/**
 * The local server's data folder and binaries, for `rewind`, which has to
 * stop the server, replace its data and start it again, and for restarting
 * it in place after a crash (core/agents/in-place-restart.ts). Without it
 * the agent refuses `rewind` and leaves a crashed server to the failover.
 * pg_rewind is used when binDir holds one of the server's major version.
 */
export const localServerSchema = z.strictObject({
  dataDir: z.string().min(1),
  binDir: z.string().min(1),
  /** pg_ctl's server log; defaults to `<dataDir>/../postgresql.log`. */
  logFile: z.string().min(1).optional(),
  /** Restarting a crashed server in place: on unless turned off; a crash loop (maxRestarts within withinMinutes) is left to the failover. */
  inPlaceRestart: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxRestarts: z.int().min(1).max(100).default(DEFAULT_CRASH_LOOP.maxRestarts),
      withinMinutes: z.number().positive().max(24 * 60).default(DEFAULT_CRASH_LOOP.withinMs / 60_000),
    })
    .prefault({}),
});

export const metricsSchema = z.strictObject({
  /** 0 turns the metrics endpoint off. */
  port: z.int().min(0).max(65_535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
});

/**
 * The health endpoints load balancers check (agents/README.md, "Health
 * endpoints"). Off by default, like metrics; a load balancer on another
 * host needs `host` set to an address it reaches (or 0.0.0.0).
 */
export const healthEndpointsSchema = z.strictObject({
  /** 0 turns the health endpoints off; Patroni's REST API listens on 8008. */
  port: z.int().min(0).max(65_535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  /** PEM certificate (chain) and private key: served over HTTPS only. */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
});

/**
 * The scripts a runbook's `script` step may have this agent run, by name
 * (runbooks/README.md, "Hooks"): the control plane names one, never ships
 * code. A relative path is taken relative to the config file.
 */
export const scriptsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, { error: "must be lower-case letters, digits and dashes" }),
  z.strictObject({
    path: z.string().min(1),
    /** The longest run allowed, whatever the step asks. */
    timeoutSeconds: z.int().min(1).max(3600).default(300),
    /** Its whole environment besides PATH: the agent's own (its token among it) is not passed on. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  }),
);

/**
 * The control plane's URL, or the URLs of several of its copies separated by
 * commas: the agent starts with the first and moves between them when one
 * fails (agents/control-planes.ts).
 */
export const controlPlaneUrlSchema = z.string().superRefine((text, context) => {
  const parsed = parseControlPlaneUrls(text);
  if (!parsed.ok) context.addIssue({ code: "custom", message: parsed.error });
});

export const agentConfigSchema = z.strictObject({
  controlPlaneUrl: controlPlaneUrlSchema,
  token: z.string().min(1),
  agentName: name,
  replica: z.discriminatedUnion("engine", [postgresReplicaSchema, mariadbReplicaSchema, simulatedReplicaSchema]),
  peers: z.array(z.strictObject({ replica: name, regionId: name, connectionString })).max(64).default([]),
  intervalMs: z.int().min(MIN_REPORT_INTERVAL_MS).max(3_600_000).default(1000),
  probeTimeoutMs: z.int().min(50).max(60_000).default(2000),
  queue: z.strictObject({
    dir: z.string().min(1),
    maxBytes: z.int().min(64 * 1024).default(64 * MIB),
  }),
  metrics: metricsSchema.default({ port: 0, host: "127.0.0.1" }),
  health: healthEndpointsSchema.default({ port: 0, host: "127.0.0.1" }),
  /** Without it the agent takes no commands. */
  commands: commandsSchema.optional(),
  replication: replicationSchema.superRefine(checkReplicationTls).optional(),
  server: localServerSchema.optional(),
  scripts: scriptsSchema.optional(),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type ReplicaConfig = AgentConfig["replica"];
export type PeerConfig = AgentConfig["peers"][number];
export type CommandsConfig = NonNullable<AgentConfig["commands"]>;
export type ReplicationConfig = NonNullable<AgentConfig["replication"]>;
export type LocalServerConfig = NonNullable<AgentConfig["server"]>;
/** The server's folders and binaries alone, what stopping, starting and rebuilding it need. */
export type LocalServerFolders = Pick<LocalServerConfig, "dataDir" | "binDir" | "logFile">;
export type ScriptsConfig = NonNullable<AgentConfig["scripts"]>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * A lab fault, not a setting (lab/README.md): SWITCHYARD_AGENT_CLOCK_OFFSET_MS
 * shifts the wall clock the agent stamps its reports and batches with by that
 * many milliseconds, to show what the control plane makes of a host whose
 * clock is wrong. Durations (intervals, timeouts, backoff) never use it.
 */
export function reportClock(env: Readonly<Record<string, string | undefined>>): () => Date {
  const text = env.SWITCHYARD_AGENT_CLOCK_OFFSET_MS;
  if (text === undefined || text === "") return () => new Date();
  const offsetMs = Number(text);
  if (!Number.isInteger(offsetMs)) throw new ConfigError(`SWITCHYARD_AGENT_CLOCK_OFFSET_MS must be a whole number of milliseconds, not "${text}"`);
  return () => new Date(Date.now() + offsetMs);
}

/**
 * Validates a parsed config. A relative queue folder (or TLS file) is taken
 * relative to the config file, so a config and its queue can move together.
 */
export function parseAgentConfig(raw: unknown, file: string): AgentConfig {
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new ConfigError(`invalid agent config ${file}: ${problems.join("; ")}`);
  }
  const config = result.data;
  const relative = (target: string) => path.resolve(path.dirname(file), target);
  const { tls } = config.health;
  return {
    ...config,
    queue: { ...config.queue, dir: relative(config.queue.dir) },
    ...(config.scripts ? { scripts: Object.fromEntries(Object.entries(config.scripts).map(([name, script]) => [name, { ...script, path: relative(script.path) }])) } : {}),
    health: { ...config.health, ...(tls ? { tls: { certFile: relative(tls.certFile), keyFile: relative(tls.keyFile) } } : {}) },
  };
}

export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read agent config ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`agent config ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseAgentConfig(raw, file);
}
