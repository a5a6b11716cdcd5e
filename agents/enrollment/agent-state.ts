import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { agentRuntimeConfigSchema, type AgentRuntimeConfig } from "@/contracts/enrollment";
import { addressMap, checkReplicationTls, ConfigError, connectionString, controlPlaneUrlSchema, ed25519PublicKeyPem, healthEndpointsSchema, localServerSchema, metricsSchema, replicationSchema } from "../config";

/** Where `enroll` writes and `run` reads, unless --state-dir or SWITCHYARD_AGENT_STATE_DIR says otherwise. */
export const DEFAULT_STATE_DIR = "/var/lib/switchyard-agent";

/** The agent's secrets and what only its host knows (mode 0600). */
export const STATE_FILE = "agent.json";
/** The control plane's last answer to GET /api/v1/agents/config, to start from when it cannot be reached. */
export const CONTROL_PLANE_CONFIG_FILE = "control-plane-config.json";
/** The report queue, the command ledger, the witness key and the lease state, as in a config-file agent's queue folder. */
export const QUEUE_DIR = "queue";

/**
 * What only the replica's host knows, given as `enroll` flags: how to reach
 * the local server (monitoring and commands roles), the credentials a
 * standby streams with, the data folder and binaries for `rewind`, how this
 * region reaches other regions' addresses, and the metrics and health endpoints.
 */
export const hostSettingsSchema = z
  .strictObject({
    /** The local PostgreSQL, as the monitoring role; or, for a MariaDB replica, `mariadb` instead. */
    postgres: z.optional(connectionString),
    commandsPostgres: z.optional(connectionString),
    /** The local MariaDB as the monitoring user (SLAVE MONITOR, REPLICATION MASTER ADMIN). */
    mariadb: z.optional(connectionString),
    /** The MariaDB user commands run as (read_only, replica threads, CHANGE MASTER…). */
    commandsMariadb: z.optional(connectionString),
    /** Where a MariaDB former primary's databases are dumped before a rebuild the service's policy orders (failover.errantTransactions). */
    formerDataDir: z.optional(z.string().check(z.minLength(1))),
    replication: z.optional(z.omit(replicationSchema, { via: true }).check(z.superRefine(checkReplicationTls))),
    /** Applied to the peers it witnesses as well as to the primaries commands name. */
    via: z.optional(addressMap),
    server: z.optional(localServerSchema),
    metrics: metricsSchema,
    /** Defaulted: state saved before the health endpoints has none. */
    health: z._default(healthEndpointsSchema, { port: 0, host: "127.0.0.1" }),
  })
  .check(
    z.superRefine((host, context) => {
      if ((host.postgres === undefined) === (host.mariadb === undefined)) {
        context.addIssue({ code: "custom", path: ["postgres"], message: "give the local server's URL once: postgres for a PostgreSQL replica, or mariadb for a MariaDB one" });
      }
    }),
  );

export const agentStateSchema = z.strictObject({
  controlPlaneUrl: controlPlaneUrlSchema,
  agentId: z.string().check(z.minLength(1)),
  agentName: z.string().check(z.minLength(1)),
  replicaId: z.string().check(z.minLength(1)),
  token: z.string().check(z.minLength(1)),
  /** Pinned at enrollment: commands and witness rosters are verified with this key and no other. */
  commandKey: z.strictObject({ publicKey: ed25519PublicKeyPem, fingerprint: z.string().check(z.minLength(1)) }),
  enrolledAt: z.iso.datetime(),
  host: hostSettingsSchema,
});

export type HostSettings = z.infer<typeof hostSettingsSchema>;
export type AgentState = z.infer<typeof agentStateSchema>;

function problems(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** Replaces `file` whole (a crash leaves the old or the new one, never half), readable by its owner only. */
function writePrivate(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** The state folder, made (mode 0700) if missing; refuses one it cannot write, before anything is spent. */
export function prepareStateDir(stateDir: string): void {
  mkdirSync(path.join(stateDir, QUEUE_DIR), { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const probe = path.join(stateDir, ".write-test");
  writePrivate(probe, {});
  unlinkSync(probe);
}

export function saveAgentState(stateDir: string, state: AgentState): void {
  writePrivate(path.join(stateDir, STATE_FILE), agentStateSchema.parse(state));
}

export function loadAgentState(stateDir: string): AgentState {
  const file = path.join(stateDir, STATE_FILE);
  if (!existsSync(file)) throw new ConfigError(`${file} does not exist: this host has not enrolled yet; run switchyard-agent enroll first (see --help)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = agentStateSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid agent state ${file}: ${problems(parsed.error)}`);
  return parsed.data;
}

export function saveControlPlaneConfig(stateDir: string, config: AgentRuntimeConfig): void {
  writePrivate(path.join(stateDir, CONTROL_PLANE_CONFIG_FILE), config);
}

/** The last configuration the control plane gave, or null when there is none (or it cannot be read). */
export function loadControlPlaneConfig(stateDir: string): AgentRuntimeConfig | null {
  try {
    const parsed = agentRuntimeConfigSchema.safeParse(JSON.parse(readFileSync(path.join(stateDir, CONTROL_PLANE_CONFIG_FILE), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
