import path from "node:path";
import { parseArgs } from "node:util";
import { parseControlPlaneUrls } from "@/core/control-planes/move-rules";
import { ConfigError } from "../config";
import { DEFAULT_STATE_DIR, hostSettingsSchema, type HostSettings } from "./agent-state";
import { defaultSecretReading, readSecret, SecretSourceError, urlWithPassword, type SecretReading } from "./secret-args";

export type AgentInvocation =
  | { kind: "help" }
  | { kind: "version" }
  /** The original mode, kept for simulated fleets (bench/) and tests: everything in one JSON file. */
  | { kind: "config-file"; file: string }
  | { kind: "enroll"; stateDir: string; controlPlaneUrl: string; token: string; replace: boolean; expectFingerprint: string | null; host: HostSettings }
  /** Replaces the host settings of an enrolled agent (and, if given, the control plane's URL); its credential and pinned key stay. */
  | { kind: "configure"; stateDir: string; controlPlaneUrl: string | null; host: HostSettings }
  | { kind: "run"; stateDir: string }
  | { kind: "doctor"; stateDir: string; controlPlaneUrl: string | null; host: Partial<HostSettings> };

/** A command line that cannot be run (exit code 2), naming the flag. */
export class UsageError extends ConfigError {
  override name = "UsageError";
}

const HOST_FLAGS = {
  postgres: { type: "string" },
  "commands-postgres": { type: "string" },
  mariadb: { type: "string" },
  "commands-mariadb": { type: "string" },
  "former-data-dir": { type: "string" },
  "replication-user": { type: "string" },
  "replication-password": { type: "string" },
  "replication-password-file": { type: "string" },
  "replication-sslmode": { type: "string" },
  "replication-sslrootcert": { type: "string" },
  via: { type: "string", multiple: true },
  "data-dir": { type: "string" },
  "bin-dir": { type: "string" },
  "server-log": { type: "string" },
  "restart-in-place": { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  "health-port": { type: "string" },
  "health-host": { type: "string" },
  "health-tls-cert": { type: "string" },
  "health-tls-key": { type: "string" },
} as const;

const STATE_FLAG = { "state-dir": { type: "string" } } as const;
const CONTROL_PLANE_FLAG = { "control-plane": { type: "string" } } as const;

/** Which flag set each field of the host settings, for messages that name what to fix. */
const FLAG_OF: Record<string, string> = {
  postgres: "--postgres",
  commandsPostgres: "--commands-postgres",
  mariadb: "--mariadb",
  commandsMariadb: "--commands-mariadb",
  formerDataDir: "--former-data-dir",
  "replication.user": "--replication-user",
  "replication.password": "--replication-password",
  "replication.sslMode": "--replication-sslmode",
  "replication.sslRootCert": "--replication-sslrootcert",
  via: "--via",
  "server.dataDir": "--data-dir",
  "server.binDir": "--bin-dir",
  "server.logFile": "--server-log",
  "server.inPlaceRestart": "--restart-in-place",
  "metrics.port": "--metrics-port",
  "metrics.host": "--metrics-host",
  "health.port": "--health-port",
  "health.host": "--health-host",
  "health.tls": "--health-tls-cert",
};

type Env = Readonly<Record<string, string | undefined>>;
type HostValues = { [K in keyof typeof HOST_FLAGS]?: (typeof HOST_FLAGS)[K] extends { multiple: true } ? string[] : string };

function stateDirOf(value: string | undefined, env: Env): string {
  return path.resolve(value ?? env.SWITCHYARD_AGENT_STATE_DIR ?? DEFAULT_STATE_DIR);
}

function parse<T extends Record<string, { type: "string" | "boolean"; multiple?: boolean }>>(subcommand: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`switchyard-agent ${subcommand}: ${(error as Error).message} (see --help)`);
  }
}

/** `--via 10.0.0.7:5432=10.1.0.2:6432`, repeated: how this region reaches an address in another. */
function viaMap(entries: readonly string[] | undefined): Record<string, string> | undefined {
  if (!entries?.length) return undefined;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0 || eq === entry.length - 1) throw new UsageError(`--via ${entry}: must be <host:port>=<host:port> (the address a command or peer names = the address this host reaches it by)`);
    map[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return map;
}

function pairOrNeither(values: HostValues, a: keyof HostValues, b: keyof HostValues): void {
  if ((values[a] === undefined) !== (values[b] === undefined)) throw new UsageError(`--${a} and --${b} go together: give both or neither`);
}

function secret(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof SecretSourceError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The secrets among the host flags, from where they may come instead of the
 * command line (secret-args.ts): the replication password from
 * --replication-password-file or SWITCHYARD_REPLICATION_PASSWORD, the
 * PostgreSQL URLs' passwords from SWITCHYARD_POSTGRES_PASSWORD and
 * SWITCHYARD_COMMANDS_POSTGRES_PASSWORD, the MariaDB ones' from
 * SWITCHYARD_MARIADB_PASSWORD and SWITCHYARD_COMMANDS_MARIADB_PASSWORD.
 */
function withSecrets(values: HostValues, env: Env, reading: SecretReading): HostValues {
  const password = secret(() =>
    readSecret(
      {
        flag: { name: "--replication-password", value: values["replication-password"] },
        file: { name: "--replication-password-file", value: values["replication-password-file"] },
        env: { name: "SWITCHYARD_REPLICATION_PASSWORD", value: env.SWITCHYARD_REPLICATION_PASSWORD },
      },
      reading,
    ),
  );
  return {
    ...values,
    ...(values.postgres !== undefined ? { postgres: urlWithPassword("--postgres", values.postgres, "SWITCHYARD_POSTGRES_PASSWORD", env, reading) } : {}),
    ...(values["commands-postgres"] !== undefined
      ? { "commands-postgres": urlWithPassword("--commands-postgres", values["commands-postgres"], "SWITCHYARD_COMMANDS_POSTGRES_PASSWORD", env, reading) }
      : {}),
    ...(values.mariadb !== undefined ? { mariadb: urlWithPassword("--mariadb", values.mariadb, "SWITCHYARD_MARIADB_PASSWORD", env, reading) } : {}),
    ...(values["commands-mariadb"] !== undefined
      ? { "commands-mariadb": urlWithPassword("--commands-mariadb", values["commands-mariadb"], "SWITCHYARD_COMMANDS_MARIADB_PASSWORD", env, reading) }
      : {}),
    // A password with no user to go with it (one from the environment meant for another command) is not a pair.
    "replication-password": values["replication-user"] !== undefined || values["replication-password"] !== undefined || values["replication-password-file"] !== undefined ? password : undefined,
  };
}

function hostSettings(given: HostValues, env: Env, reading: SecretReading): HostSettings {
  const values = withSecrets(given, env, reading);
  if (values.postgres === undefined && values.mariadb === undefined) {
    throw new UsageError(
      "--postgres is required: the URL of this replica's PostgreSQL for the monitoring role (e.g. postgresql://switchyard_monitor@127.0.0.1:5432/postgres, its password in SWITCHYARD_POSTGRES_PASSWORD); or --mariadb for a MariaDB replica",
    );
  }
  if (values.postgres !== undefined && values.mariadb !== undefined) throw new UsageError("--postgres and --mariadb: give one, the URL of the server this agent sits next to");
  if (values.mariadb !== undefined) {
    const postgresOnly = (["commands-postgres", "data-dir", "bin-dir", "server-log", "restart-in-place", "replication-sslmode", "replication-sslrootcert"] as const).find((flag) => values[flag] !== undefined);
    if (postgresOnly) throw new UsageError(`--${postgresOnly} applies to a PostgreSQL replica, not to a MariaDB one (--mariadb)`);
  }
  if (values["commands-mariadb"] !== undefined && values.mariadb === undefined) throw new UsageError("--commands-mariadb needs --mariadb: it is the MariaDB user commands run as");
  if (values["former-data-dir"] !== undefined && values.mariadb === undefined) {
    throw new UsageError("--former-data-dir needs --mariadb: it is where a MariaDB former primary's data is dumped before the policy's rebuild (a PostgreSQL one keeps its old data folder beside the new)");
  }
  if ((values["replication-user"] === undefined) !== (values["replication-password"] === undefined)) {
    throw new UsageError("--replication-user and its password go together: give both (the password by --replication-password-file or SWITCHYARD_REPLICATION_PASSWORD) or neither");
  }
  if ((values["replication-sslmode"] ?? values["replication-sslrootcert"]) !== undefined && values["replication-user"] === undefined) {
    throw new UsageError("--replication-sslmode and --replication-sslrootcert apply to the replication user's connections: give --replication-user too");
  }
  pairOrNeither(values, "data-dir", "bin-dir");
  if (values["server-log"] !== undefined && values["data-dir"] === undefined) throw new UsageError("--server-log needs --data-dir and --bin-dir");
  const restartInPlace = values["restart-in-place"];
  if (restartInPlace !== undefined && restartInPlace !== "on" && restartInPlace !== "off") throw new UsageError(`--restart-in-place ${restartInPlace}: must be on or off`);
  if (restartInPlace !== undefined && values["data-dir"] === undefined) throw new UsageError("--restart-in-place needs --data-dir and --bin-dir: restarting a crashed server needs its data folder and pg_ctl");
  const port = values["metrics-port"];
  if (port !== undefined && !/^\d+$/.test(port)) throw new UsageError(`--metrics-port ${port}: must be a port number (0 turns the metrics endpoint off)`);
  const healthPort = values["health-port"];
  if (healthPort !== undefined && !/^\d+$/.test(healthPort)) throw new UsageError(`--health-port ${healthPort}: must be a port number (0 turns the health endpoints off)`);
  pairOrNeither(values, "health-tls-cert", "health-tls-key");
  const raw = {
    ...(values.postgres !== undefined ? { postgres: values.postgres } : {}),
    ...(values["commands-postgres"] !== undefined ? { commandsPostgres: values["commands-postgres"] } : {}),
    ...(values.mariadb !== undefined ? { mariadb: values.mariadb } : {}),
    ...(values["commands-mariadb"] !== undefined ? { commandsMariadb: values["commands-mariadb"] } : {}),
    ...(values["former-data-dir"] !== undefined ? { formerDataDir: path.resolve(values["former-data-dir"]) } : {}),
    ...(values["replication-user"] !== undefined
      ? {
          replication: {
            user: values["replication-user"],
            password: values["replication-password"],
            ...(values["replication-sslmode"] !== undefined ? { sslMode: values["replication-sslmode"] } : {}),
            ...(values["replication-sslrootcert"] !== undefined ? { sslRootCert: path.resolve(values["replication-sslrootcert"]) } : {}),
          },
        }
      : {}),
    ...(values.via ? { via: viaMap(values.via) } : {}),
    ...(values["data-dir"] !== undefined
      ? {
          server: {
            dataDir: path.resolve(values["data-dir"]),
            binDir: path.resolve(values["bin-dir"]!),
            ...(values["server-log"] ? { logFile: path.resolve(values["server-log"]) } : {}),
            ...(restartInPlace ? { inPlaceRestart: { enabled: restartInPlace === "on" } } : {}),
          },
        }
      : {}),
    metrics: { port: Number(port ?? 0), host: values["metrics-host"] ?? "127.0.0.1" },
    health: {
      port: Number(healthPort ?? 0),
      host: values["health-host"] ?? "127.0.0.1",
      ...(values["health-tls-cert"] !== undefined ? { tls: { certFile: path.resolve(values["health-tls-cert"]), keyFile: path.resolve(values["health-tls-key"]!) } } : {}),
    },
  };
  const parsed = hostSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.slice(0, issue.path[0] === "via" ? 1 : 2).join(".");
    throw new UsageError(`${FLAG_OF[field] ?? field}: ${issue.message}`);
  }
  for (const url of [parsed.data.postgres, parsed.data.commandsPostgres]) {
    if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`${url === parsed.data.postgres ? "--postgres" : "--commands-postgres"}: must be a postgresql:// URL`);
  }
  for (const url of [parsed.data.mariadb, parsed.data.commandsMariadb]) {
    if (url !== undefined && !/^(mariadb|mysql):\/\//.test(url)) throw new UsageError(`${url === parsed.data.mariadb ? "--mariadb" : "--commands-mariadb"}: must be a mariadb:// URL`);
  }
  return parsed.data;
}

/** One URL, or several copies' separated by commas (each kept as its origin). */
function controlPlaneUrl(value: string | undefined): string {
  if (value === undefined) throw new UsageError("--control-plane is required: the control plane's URL (e.g. https://switchyard.example.com), or several copies' separated by commas");
  const parsed = parseControlPlaneUrls(value);
  if (!parsed.ok) throw new UsageError(`--control-plane ${value}: ${parsed.error}`);
  return [...new Set(parsed.urls.map((url) => new URL(url).origin))].join(",");
}

/**
 * Reads the command line (after `node <file>`). The enrollment token may
 * come from --token-file or SWITCHYARD_ENROLLMENT_TOKEN instead of --token,
 * and the other secrets from files or the environment too (withSecrets);
 * a secret given as a flag still works, with a warning through `reading`.
 */
export function parseAgentArgs(args: readonly string[], env: Env, reading: SecretReading = defaultSecretReading): AgentInvocation {
  const [first, ...rest] = args;
  if (first === undefined) {
    if (env.SWITCHYARD_AGENT_CONFIG) return { kind: "config-file", file: path.resolve(env.SWITCHYARD_AGENT_CONFIG) };
    throw new UsageError("no command: enroll, run, configure or doctor (see --help)");
  }
  if (first === "--help" || first === "-h" || first === "help") return { kind: "help" };
  if (first === "--version" || first === "-v" || first === "version") return { kind: "version" };
  if (first === "enroll") {
    const values = parse("enroll", rest, {
      ...STATE_FLAG,
      ...CONTROL_PLANE_FLAG,
      ...HOST_FLAGS,
      token: { type: "string" },
      "token-file": { type: "string" },
      replace: { type: "boolean" },
      "expect-fingerprint": { type: "string" },
    });
    const token = secret(() =>
      readSecret(
        {
          flag: { name: "--token", value: values.token },
          file: { name: "--token-file", value: values["token-file"] },
          env: { name: "SWITCHYARD_ENROLLMENT_TOKEN", value: env.SWITCHYARD_ENROLLMENT_TOKEN },
        },
        reading,
      ),
    );
    if (!token) throw new UsageError("the enrollment token is required: SWITCHYARD_ENROLLMENT_TOKEN, --token-file or --token (the token an admin issued for this replica)");
    if (!token.startsWith("sye_")) throw new UsageError("--token: an enrollment token starts with sye_ (an agent's or a person's token cannot enroll)");
    return {
      kind: "enroll",
      stateDir: stateDirOf(values["state-dir"], env),
      controlPlaneUrl: controlPlaneUrl(values["control-plane"]),
      token,
      replace: values.replace ?? false,
      expectFingerprint: values["expect-fingerprint"]?.toUpperCase() ?? null,
      host: hostSettings(values, env, reading),
    };
  }
  if (first === "configure") {
    const values = parse("configure", rest, { ...STATE_FLAG, ...CONTROL_PLANE_FLAG, ...HOST_FLAGS });
    return {
      kind: "configure",
      stateDir: stateDirOf(values["state-dir"], env),
      controlPlaneUrl: values["control-plane"] === undefined ? null : controlPlaneUrl(values["control-plane"]),
      host: hostSettings(values, env, reading),
    };
  }
  if (first === "run") {
    const values = parse("run", rest, STATE_FLAG);
    return { kind: "run", stateDir: stateDirOf(values["state-dir"], env) };
  }
  if (first === "doctor") {
    const values = parse("doctor", rest, { ...STATE_FLAG, ...CONTROL_PLANE_FLAG, ...HOST_FLAGS });
    return {
      kind: "doctor",
      stateDir: stateDirOf(values["state-dir"], env),
      controlPlaneUrl: values["control-plane"] === undefined ? null : controlPlaneUrl(values["control-plane"]),
      host: values.postgres === undefined && values.mariadb === undefined ? {} : hostSettings(values, env, reading),
    };
  }
  if (first.startsWith("-")) throw new UsageError(`unknown option ${first} (see --help)`);
  if (rest.length > 0) throw new UsageError(`unknown command ${first} (see --help)`);
  return { kind: "config-file", file: path.resolve(first) };
}

export const HELP = `switchyard-agent: the agent next to one PostgreSQL or MariaDB replica (Node.js >= 20.16, nothing else)

Usage:
  SWITCHYARD_ENROLLMENT_TOKEN=<sye_…> switchyard-agent enroll --control-plane <url> --postgres <monitoring url> [options]
  switchyard-agent run [--state-dir <dir>]
  switchyard-agent configure [--state-dir <dir>] [--control-plane <url>] --postgres <monitoring url> [options]
  switchyard-agent doctor [--state-dir <dir>] [the enroll options, to check before enrolling]
  switchyard-agent <config.json>            (a config file, for simulated fleets and tests)
  switchyard-agent --help | --version

enroll: trades an enrollment token (single use, from an admin: console Settings > Agents, or
  \`switchyard enroll-token <replica id>\`) for this agent's credential and the control plane's
  command key, which it pins and prints with its fingerprint: compare it with the console's.
  --control-plane <url>[,<url>…]  the control plane (https:// in production); several copies' URLs, comma-separated, to move between
  --token-file <file>             the enrollment token, from a file (or SWITCHYARD_ENROLLMENT_TOKEN;
                                  --token <sye_…> works too, but ps shows it to everyone on the host)
  --postgres <url>                this replica's PostgreSQL, as the monitoring role (pg_monitor); the
                                  same role reaches the peers it witnesses; its password from
                                  SWITCHYARD_POSTGRES_PASSWORD rather than in the URL
  --commands-postgres <url>       the role commands run as (ALTER SYSTEM, pg_promote…: a superuser);
                                  default: --postgres; password: SWITCHYARD_COMMANDS_POSTGRES_PASSWORD
  --mariadb <url>                 instead of --postgres, for a MariaDB replica (10.6 or later): the
                                  monitoring user (SLAVE MONITOR, REPLICATION MASTER ADMIN), e.g.
                                  mariadb://switchyard_monitor@127.0.0.1:3306/sessions; password:
                                  SWITCHYARD_MARIADB_PASSWORD
  --commands-mariadb <url>        the MariaDB user commands run as (read_only, replica threads,
                                  CHANGE MASTER…); default: --mariadb; password:
                                  SWITCHYARD_COMMANDS_MARIADB_PASSWORD
  --former-data-dir <dir>         MariaDB: where a former primary's databases are dumped before the
                                  rebuild its service's policy may order (failover.errantTransactions);
                                  none: such a rebuild is refused
  --replication-user <name>       the role a standby streams with (REPLICATION), for repoint/rewind
  --replication-password-file <file>   its password (or SWITCHYARD_REPLICATION_PASSWORD;
                                  --replication-password <pw> works too, with a warning)
  --replication-sslmode verify-full --replication-sslrootcert <ca.pem>
                                  TLS to the primary for base backups, pg_rewind and streaming,
                                  its certificate checked against this CA and the host name
  --via <host:port>=<host:port>   how this host reaches an address in another region (repeatable)
  --data-dir <dir> --bin-dir <dir> [--server-log <file>]   the data folder and binaries, for rewind
                                  and for restarting a crashed server in place
  --restart-in-place on|off       restart a crashed server in place (default on with --data-dir)
  --metrics-port <port>           Prometheus metrics (0, the default, turns them off)
  --metrics-host <host>           default 127.0.0.1
  --health-port <port>            health endpoints for load balancers, Patroni's paths (/primary,
                                  /replica?lag=16MB…); 0, the default, turns them off
  --health-host <host>            default 127.0.0.1; an address the load balancer reaches
  --health-tls-cert <pem> --health-tls-key <pem>   serve the health endpoints over HTTPS
  --expect-fingerprint <hex>      refuse a command key with another fingerprint
  --replace                       take the place of the replica's active agent (revokes it)
  --state-dir <dir>               default /var/lib/switchyard-agent (or SWITCHYARD_AGENT_STATE_DIR)

configure: replaces the host settings enroll saved (give all of them again: --postgres and whichever
  options apply), and the control plane's URL if given; the credential and the pinned key stay.

run: reports from the state folder; takes its replica, peers and intervals from the control plane
  and refreshes them every 30 s; starts from the last saved ones if the control plane is down.

doctor: checks the control plane, the credential, the PostgreSQL roles, the data folder and the
  clock, one line each, with how to fix each problem; for MariaDB, the monitoring and commands
  users' privileges, gtid_strict_mode, log_bin, log_slave_updates, binlog_format and semi-sync.
  Exit code 1 when any check fails.

Exit codes: 0 done (or stopped by SIGINT/SIGTERM), 1 failed, 2 bad command line or state.
`;
