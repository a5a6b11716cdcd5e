import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { DEFAULT_CRASH_LOOP } from "@/core/agents/in-place-restart";
import { MIN_REPORT_INTERVAL_MS } from "@/contracts/agent-reports";
import { parseControlPlaneUrls } from "@/core/control-planes/move-rules";
import { SIMULATION_PROFILE_NAMES } from "./adapters/simulation-profiles";
import { SSL_MODES } from "./commands/upstream-security";

/**
 * zod/mini registers no locale (classic does, and the agent loads none of
 * classic: agents/README.md): without this every message would read
 * "Invalid input". Every agent validates after loading this module.
 */
z.config(z.locales.en());

const MIB = 1024 * 1024;

const name = z.string().check(z.minLength(1), z.maxLength(128));
export const connectionString = z.string().check(z.minLength(1));
/** What is wrong with a `host:port` (an IPv6 host in brackets: `[::1]:5432`), or null. */
function addressProblem(text: string): string | null {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(text)) return "must be host:port (an IPv6 host in brackets)";
  const port = Number(text.slice(text.lastIndexOf(":") + 1));
  return port >= 1 && port <= 65_535 ? null : "the port must be between 1 and 65535";
}

/** Both sides checked here rather than by z.record, whose key errors do not say what is wrong. */
export const addressMap = z.record(z.string(), z.string()).check(
  z.superRefine((map, context) => {
    for (const [from, to] of Object.entries(map)) {
      const problem = addressProblem(from);
      if (problem) context.addIssue({ code: "custom", path: [from], message: `(the key) ${problem}` });
      const target = addressProblem(to);
      if (target) context.addIssue({ code: "custom", path: [from], message: target });
    }
  }),
);

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
  connectionString: z.string().check(z.regex(/^(mariadb|mysql):\/\//, { error: "must be a mariadb:// connection string" })),
  /**
   * Where a rebuild dumps a former primary's own databases before replacing
   * them (errant GTIDs, when the service's policy says `rebuild`: the choice
   * comes signed in the command, never from this config). None: a rebuild is
   * refused.
   */
  formerDataDir: z.optional(z.string().check(z.minLength(1))),
});

const simulatedReplicaSchema = z.strictObject({
  name,
  regionId: name,
  engine: z.literal("simulated"),
  seed: z.int(),
  /** A simulated replica has no server to ask, so its role is configured. */
  role: z._default(z.enum(["primary", "standby"]), "standby"),
  profile: z._default(z.enum(SIMULATION_PROFILE_NAMES), "steady"),
});

/**
 * The control plane's command-signing key. Only a public key is accepted: a
 * private key here would also parse (Node derives the public half) but has no
 * business on a replica's host.
 */
export const ed25519PublicKeyPem = z.string().check(
  z.superRefine((pem, context) => {
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
  }),
);

const commandsSchema = z.strictObject({
  publicKey: ed25519PublicKeyPem,
  pollSeconds: z._default(z.int().check(z.gte(1), z.lte(30)), 25),
  /**
   * Commands change the server (ALTER SYSTEM, pg_promote, pg_terminate_backend,
   * CHECKPOINT), which the monitoring role may not do; defaults to the
   * replica's connection string.
   */
  connectionString: z.optional(connectionString),
});

/** For `repoint` and `rewind`: the credentials a standby streams with (commands never carry secrets). */
export const replicationSchema = z.strictObject({
  user: name,
  /** It ends up in postgresql.auto.conf (primary_conninfo), whose strings cannot hold a line break. */
  password: z.string().check(
    z.minLength(1),
    z.refine((password) => !/[\r\n]/.test(password), "must not contain a line break (primary_conninfo, where it goes, cannot hold one)"),
  ),
  /**
   * The address this replica's region reaches a primary by, for each
   * address a command may name (`"10.0.0.7:5432": "10.1.0.2:6432"`): a
   * proxy, NAT or tunnel between regions. Addresses not listed are used
   * as they are.
   */
  via: z.optional(addressMap),
  /**
   * TLS for every connection to a primary (base backup, pg_rewind, the
   * timeline history, primary_conninfo): libpq's sslmode; `verify-full`
   * in production, with the CA pinned in sslRootCert
   * (commands/upstream-security.ts).
   */
  sslMode: z.optional(z.enum(SSL_MODES)),
  /** PEM file of the CA the primary's certificate must chain to; required by verify-ca and verify-full. */
  sslRootCert: z.optional(z.string().check(z.minLength(1))),
});

/** For the schemas that carry replicationSchema (a refined object cannot be omitted from). */
export function checkReplicationTls(replication: { sslMode?: string; sslRootCert?: string }, context: z.core.$RefinementCtx): void {
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
  dataDir: z.string().check(z.minLength(1)),
  binDir: z.string().check(z.minLength(1)),
  /** pg_ctl's server log; defaults to `<dataDir>/../postgresql.log`. */
  logFile: z.optional(z.string().check(z.minLength(1))),
  /** Restarting a crashed server in place: on unless turned off; a crash loop (maxRestarts within withinMinutes) is left to the failover. */
  inPlaceRestart: z.prefault(
    z.strictObject({
      enabled: z._default(z.boolean(), true),
      maxRestarts: z._default(z.int().check(z.gte(1), z.lte(100)), DEFAULT_CRASH_LOOP.maxRestarts),
      withinMinutes: z._default(z.number().check(z.positive(), z.lte(24 * 60)), DEFAULT_CRASH_LOOP.withinMs / 60_000),
    }),
    {},
  ),
});

export const metricsSchema = z.strictObject({
  /** 0 turns the metrics endpoint off. */
  port: z._default(z.int().check(z.gte(0), z.lte(65_535)), 0),
  host: z._default(z.string().check(z.minLength(1)), "127.0.0.1"),
});

/**
 * The health endpoints load balancers check (agents/README.md, "Health
 * endpoints"). Off by default, like metrics; a load balancer on another
 * host needs `host` set to an address it reaches (or 0.0.0.0).
 */
export const healthEndpointsSchema = z.strictObject({
  /** 0 turns the health endpoints off; Patroni's REST API listens on 8008. */
  port: z._default(z.int().check(z.gte(0), z.lte(65_535)), 0),
  host: z._default(z.string().check(z.minLength(1)), "127.0.0.1"),
  /** PEM certificate (chain) and private key: served over HTTPS only. */
  tls: z.optional(z.strictObject({ certFile: z.string().check(z.minLength(1)), keyFile: z.string().check(z.minLength(1)) })),
});

/**
 * The scripts a runbook's `script` step may have this agent run, by name
 * (runbooks/README.md, "Hooks"): the control plane names one, never ships
 * code. A relative path is taken relative to the config file.
 */
export const scriptsSchema = z.record(
  z.string().check(z.regex(/^[a-z][a-z0-9-]{1,62}$/, { error: "must be lower-case letters, digits and dashes" })),
  z.strictObject({
    path: z.string().check(z.minLength(1)),
    /** The longest run allowed, whatever the step asks. */
    timeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(3600)), 300),
    /** Its whole environment besides PATH: the agent's own (its token among it) is not passed on. */
    env: z._default(z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/)), z.string()), {}),
  }),
);

/**
 * The control plane's URL, or the URLs of several of its copies separated by
 * commas: the agent starts with the first and moves between them when one
 * fails (agents/control-planes.ts).
 */
export const controlPlaneUrlSchema = z.string().check(
  z.superRefine((text, context) => {
    const parsed = parseControlPlaneUrls(text);
    if (!parsed.ok) context.addIssue({ code: "custom", message: parsed.error });
  }),
);

export const agentConfigSchema = z.strictObject({
  controlPlaneUrl: controlPlaneUrlSchema,
  token: z.string().check(z.minLength(1)),
  agentName: name,
  replica: z.discriminatedUnion("engine", [postgresReplicaSchema, mariadbReplicaSchema, simulatedReplicaSchema]),
  peers: z._default(z.array(z.strictObject({ replica: name, regionId: name, connectionString })).check(z.maxLength(64)), []),
  intervalMs: z._default(z.int().check(z.gte(MIN_REPORT_INTERVAL_MS), z.lte(3_600_000)), 1000),
  probeTimeoutMs: z._default(z.int().check(z.gte(50), z.lte(60_000)), 2000),
  queue: z.strictObject({
    dir: z.string().check(z.minLength(1)),
    maxBytes: z._default(z.int().check(z.gte(64 * 1024)), 64 * MIB),
  }),
  metrics: z._default(metricsSchema, { port: 0, host: "127.0.0.1" }),
  health: z._default(healthEndpointsSchema, { port: 0, host: "127.0.0.1" }),
  /** Without it the agent takes no commands. */
  commands: z.optional(commandsSchema),
  replication: z.optional(replicationSchema.check(z.superRefine(checkReplicationTls))),
  server: z.optional(localServerSchema),
  scripts: z.optional(scriptsSchema),
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
