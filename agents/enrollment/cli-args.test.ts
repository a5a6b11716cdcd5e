import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE_DIR } from "./agent-state";
import { parseAgentArgs, UsageError } from "./cli-args";
import type { SecretReading } from "./secret-args";

const ENROLL = ["enroll", "--control-plane", "https://cp.example.com/some/path", "--token", "sye_abc", "--postgres", "postgresql://mon:pw@127.0.0.1:5432/postgres"];

describe("the agent's command line", () => {
  it("has help and version", () => {
    for (const flag of ["--help", "-h", "help"]) expect(parseAgentArgs([flag], {})).toEqual({ kind: "help" });
    for (const flag of ["--version", "-v", "version"]) expect(parseAgentArgs([flag], {})).toEqual({ kind: "version" });
  });

  it("keeps the config-file mode: a path, or SWITCHYARD_AGENT_CONFIG with no arguments", () => {
    expect(parseAgentArgs(["/etc/agent.json"], {})).toEqual({ kind: "config-file", file: "/etc/agent.json" });
    expect(parseAgentArgs([], { SWITCHYARD_AGENT_CONFIG: "/b.json" })).toEqual({ kind: "config-file", file: "/b.json" });
    expect(() => parseAgentArgs([], {})).toThrow(/no command: enroll, run, configure or doctor/);
  });

  it("enrolls with the control plane's origin, the token and the monitoring URL, defaulting the state folder and metrics", () => {
    expect(parseAgentArgs(ENROLL, {})).toEqual({
      kind: "enroll",
      stateDir: DEFAULT_STATE_DIR,
      controlPlaneUrl: "https://cp.example.com",
      token: "sye_abc",
      replace: false,
      expectFingerprint: null,
      host: { postgres: "postgresql://mon:pw@127.0.0.1:5432/postgres", metrics: { port: 0, host: "127.0.0.1" }, health: { port: 0, host: "127.0.0.1" } },
    });
  });

  it("takes every host setting as a flag", () => {
    const invocation = parseAgentArgs(
      [
        ...ENROLL,
        "--state-dir", "state",
        "--commands-postgres", "postgresql://postgres:pw@127.0.0.1:5432/postgres",
        "--replication-user", "replicator",
        "--replication-password", "secret",
        "--replication-sslmode", "verify-full",
        "--replication-sslrootcert", "/etc/switchyard/primary-ca.pem",
        "--via", "10.0.0.7:5432=127.0.0.1:6001",
        "--via", "[::1]:5433=127.0.0.1:6002",
        "--data-dir", "/var/lib/postgresql/18/main",
        "--bin-dir", "/usr/lib/postgresql/18/bin",
        "--metrics-port", "9464",
        "--health-port", "8008",
        "--health-host", "0.0.0.0",
        "--health-tls-cert", "/etc/switchyard/health.pem",
        "--health-tls-key", "/etc/switchyard/health.key",
        "--replace",
        "--expect-fingerprint", "ab:cd",
      ],
      {},
    );
    expect(invocation).toMatchObject({
      stateDir: path.resolve("state"),
      replace: true,
      expectFingerprint: "AB:CD",
      host: {
        commandsPostgres: "postgresql://postgres:pw@127.0.0.1:5432/postgres",
        replication: { user: "replicator", password: "secret", sslMode: "verify-full", sslRootCert: "/etc/switchyard/primary-ca.pem" },
        via: { "10.0.0.7:5432": "127.0.0.1:6001", "[::1]:5433": "127.0.0.1:6002" },
        server: { dataDir: "/var/lib/postgresql/18/main", binDir: "/usr/lib/postgresql/18/bin" },
        metrics: { port: 9464, host: "127.0.0.1" },
        health: { port: 8008, host: "0.0.0.0", tls: { certFile: "/etc/switchyard/health.pem", keyFile: "/etc/switchyard/health.key" } },
      },
    });
  });

  it("takes the token and the state folder from the environment", () => {
    const withoutToken = ENROLL.filter((arg, i) => arg !== "--token" && ENROLL[i - 1] !== "--token");
    expect(parseAgentArgs(withoutToken, { SWITCHYARD_ENROLLMENT_TOKEN: "sye_env", SWITCHYARD_AGENT_STATE_DIR: "/srv/agent" })).toMatchObject({ token: "sye_env", stateDir: "/srv/agent" });
    expect(parseAgentArgs(["run"], { SWITCHYARD_AGENT_STATE_DIR: "/srv/agent" })).toEqual({ kind: "run", stateDir: "/srv/agent" });
    expect(parseAgentArgs(["run", "--state-dir", "/x"], { SWITCHYARD_AGENT_STATE_DIR: "/srv/agent" })).toEqual({ kind: "run", stateDir: "/x" });
  });

  it.each([
    [["enroll", "--token", "sye_a", "--postgres", "postgresql://h/db"], /--control-plane is required/],
    [["enroll", "--control-plane", "ftp://cp", "--token", "sye_a", "--postgres", "postgresql://h/db"], /--control-plane ftp:\/\/cp: "ftp:\/\/cp" must be an http/],
    [["enroll", "--control-plane", "http://cp", "--postgres", "postgresql://h/db"], /the enrollment token is required: SWITCHYARD_ENROLLMENT_TOKEN, --token-file or --token/],
    [["enroll", "--control-plane", "http://cp", "--token", "sya_agent", "--postgres", "postgresql://h/db"], /--token: an enrollment token starts with sye_/],
    [["enroll", "--control-plane", "http://cp", "--token", "sye_a"], /--postgres is required/],
    [[...ENROLL.slice(0, 5), "--postgres", "mysql://h/db"], /--postgres: must be a postgresql:\/\/ URL/],
    [[...ENROLL, "--replication-user", "r"], /--replication-user and its password go together/],
    [[...ENROLL, "--replication-password-file", "/no/such/file"], /--replication-password-file \/no\/such\/file: ENOENT/],
    [[...ENROLL.filter((arg) => arg !== "--token" && arg !== "sye_abc"), "--token-file", "/no/such/file"], /--token-file \/no\/such\/file: ENOENT/],
    [[...ENROLL, "--data-dir", "/d"], /--data-dir and --bin-dir go together/],
    [[...ENROLL, "--replication-user", "r", "--replication-password", "p", "--replication-sslmode", "verify-full"], /--replication-sslrootcert: verify-ca and verify-full check the primary's certificate against a CA/],
    [[...ENROLL, "--replication-user", "r", "--replication-password", "p", "--replication-sslmode", "verify"], /--replication-sslmode: /],
    [[...ENROLL, "--replication-sslmode", "require"], /give --replication-user too/],
    [[...ENROLL, "--via", "10.0.0.7:5432"], /--via 10\.0\.0\.7:5432: must be <host:port>=<host:port>/],
    [[...ENROLL, "--via", "10.0.0.7=127.0.0.1:1"], /--via: \(the key\) must be host:port/],
    [[...ENROLL, "--metrics-port", "http"], /--metrics-port http: must be a port number/],
    [[...ENROLL, "--metrics-port", "70000"], /--metrics-port: /],
    [[...ENROLL, "--health-port", "http"], /--health-port http: must be a port number \(0 turns the health endpoints off\)/],
    [[...ENROLL, "--health-port", "70000"], /--health-port: /],
    [[...ENROLL, "--health-tls-cert", "/c.pem"], /--health-tls-cert and --health-tls-key go together/],
    [[...ENROLL, "--replication-user", "r", "--replication-password", "a\nb"], /--replication-password: must not contain a line break/],
    [[...ENROLL, "--bogus"], /Unknown option '--bogus'/],
    [["run", "extra"], /switchyard-agent run: /],
    [["frobnicate", "x"], /unknown command frobnicate/],
    [["--frobnicate"], /unknown option --frobnicate/],
  ])("refuses %j naming what to fix", (args, message) => {
    expect(() => parseAgentArgs(args, {})).toThrow(UsageError);
    expect(() => parseAgentArgs(args, {})).toThrow(message);
  });

  it("configures the host settings of an enrolled agent anew, the control plane's URL only when given", () => {
    expect(parseAgentArgs(["configure", "--state-dir", "/s", "--postgres", "postgresql://h/db", "--metrics-port", "9000"], {})).toEqual({
      kind: "configure",
      stateDir: "/s",
      controlPlaneUrl: null,
      host: { postgres: "postgresql://h/db", metrics: { port: 9000, host: "127.0.0.1" }, health: { port: 0, host: "127.0.0.1" } },
    });
    expect(parseAgentArgs(["configure", "--control-plane", "http://cp:1/", "--postgres", "postgresql://h/db"], {})).toMatchObject({ controlPlaneUrl: "http://cp:1" });
    // Several copies, to move between: each URL's origin, in the order given, each once.
    expect(parseAgentArgs(["configure", "--control-plane", "https://cp-1.example.com/, https://cp-2.example.com,https://cp-1.example.com", "--postgres", "postgresql://h/db"], {})).toMatchObject({
      controlPlaneUrl: "https://cp-1.example.com,https://cp-2.example.com",
    });
    expect(() => parseAgentArgs(["configure", "--metrics-port", "9000"], {})).toThrow(/--postgres is required/);
    expect(() => parseAgentArgs(["configure", "--postgres", "postgresql://h/db", "--token", "sye_x"], {})).toThrow(/Unknown option '--token'/);
  });

  it("lets doctor check a host before it enrolls, from the enroll flags, or from the state folder alone", () => {
    expect(parseAgentArgs(["doctor"], {})).toEqual({ kind: "doctor", stateDir: DEFAULT_STATE_DIR, controlPlaneUrl: null, host: {} });
    expect(parseAgentArgs(["doctor", "--control-plane", "http://cp:3000", "--postgres", "postgresql://h/db"], {})).toMatchObject({
      controlPlaneUrl: "http://cp:3000",
      host: { postgres: "postgresql://h/db" },
    });
  });
});

describe("enrolling next to a MariaDB replica", () => {
  const MARIADB = ["enroll", "--control-plane", "https://cp.example.com", "--token", "sye_abc", "--mariadb", "mariadb://switchyard_monitor@127.0.0.1:3306/sessions"];

  it("takes --mariadb instead of --postgres, and the commands user, their passwords from the environment", () => {
    const invocation = parseAgentArgs([...MARIADB, "--commands-mariadb", "mariadb://switchyard@127.0.0.1:3306/sessions", "--replication-user", "replicator"], {
      SWITCHYARD_MARIADB_PASSWORD: "m pw",
      SWITCHYARD_COMMANDS_MARIADB_PASSWORD: "c",
      SWITCHYARD_REPLICATION_PASSWORD: "r",
    });
    expect(invocation).toMatchObject({
      kind: "enroll",
      host: {
        mariadb: "mariadb://switchyard_monitor:m%20pw@127.0.0.1:3306/sessions",
        commandsMariadb: "mariadb://switchyard:c@127.0.0.1:3306/sessions",
        replication: { user: "replicator", password: "r" },
      },
    });
    expect(parseAgentArgs(["doctor", "--mariadb", "mariadb://m@127.0.0.1/sessions"], {})).toMatchObject({ kind: "doctor", host: { mariadb: "mariadb://m@127.0.0.1/sessions" } });
  });

  it("takes the folder a rebuild dumps the former primary's data to, as an absolute path, for MariaDB only", () => {
    expect(parseAgentArgs([...MARIADB, "--former-data-dir", "former"], {})).toMatchObject({ kind: "enroll", host: { formerDataDir: path.resolve("former") } });
    expect(() => parseAgentArgs([...ENROLL, "--former-data-dir", "/f"], {})).toThrow("--former-data-dir needs --mariadb");
  });

  it("refuses both servers, a PostgreSQL-only flag, a commands user without --mariadb, and a URL of the wrong kind, naming the flag", () => {
    expect(() => parseAgentArgs([...MARIADB, "--postgres", "postgresql://h/db"], {})).toThrow("--postgres and --mariadb: give one");
    expect(() => parseAgentArgs([...MARIADB, "--data-dir", "/d", "--bin-dir", "/b"], {})).toThrow("--data-dir applies to a PostgreSQL replica, not to a MariaDB one");
    expect(() => parseAgentArgs([...ENROLL, "--commands-mariadb", "mariadb://a@h/db"], {})).toThrow("--commands-mariadb needs --mariadb");
    expect(() => parseAgentArgs([...MARIADB.slice(0, -1), "postgresql://h/db"], {})).toThrow("--mariadb: must be a mariadb:// URL");
  });
});

describe("secrets on the agent's command line", () => {
  const files: Record<string, string> = { "/run/token": "sye_from_file\n", "/run/replication": "repl pw\n", "/run/empty": "\n" };
  const reading = (warnings: string[]): SecretReading => ({
    readText: (file) => {
      if (!(file in files)) throw new Error(`ENOENT: no such file, open '${file}'`);
      return files[file]!;
    },
    warn: (message) => warnings.push(message),
  });
  const BASE = ["enroll", "--control-plane", "https://cp.example.com", "--postgres", "postgresql://mon@127.0.0.1:5432/postgres"];

  it("come from files and the environment, with no warning", () => {
    const warnings: string[] = [];
    const parsed = parseAgentArgs(
      [...BASE, "--token-file", "/run/token", "--replication-user", "replicator", "--replication-password-file", "/run/replication", "--commands-postgres", "postgresql://postgres@127.0.0.1:5432/postgres"],
      { SWITCHYARD_POSTGRES_PASSWORD: "mon pw", SWITCHYARD_COMMANDS_POSTGRES_PASSWORD: "su/pw" },
      reading(warnings),
    );
    expect(parsed).toMatchObject({
      token: "sye_from_file",
      host: {
        postgres: "postgresql://mon:mon%20pw@127.0.0.1:5432/postgres",
        commandsPostgres: "postgresql://postgres:su%2Fpw@127.0.0.1:5432/postgres",
        replication: { user: "replicator", password: "repl pw" },
      },
    });
    expect(warnings).toEqual([]);
    const fromEnv = parseAgentArgs([...BASE, "--replication-user", "replicator"], { SWITCHYARD_ENROLLMENT_TOKEN: "sye_env", SWITCHYARD_REPLICATION_PASSWORD: "env pw" }, reading(warnings));
    expect(fromEnv).toMatchObject({ token: "sye_env", host: { replication: { user: "replicator", password: "env pw" } } });
    expect(warnings).toEqual([]);
  });

  it("still work as flags, each with a warning that ps shows them", () => {
    const warnings: string[] = [];
    const parsed = parseAgentArgs(
      ["enroll", "--control-plane", "https://cp.example.com", "--token", "sye_flag", "--postgres", "postgresql://mon:pw@127.0.0.1:5432/postgres", "--replication-user", "r", "--replication-password", "flag pw"],
      {},
      reading(warnings),
    );
    expect(parsed).toMatchObject({ token: "sye_flag", host: { postgres: "postgresql://mon:pw@127.0.0.1:5432/postgres", replication: { password: "flag pw" } } });
    expect(warnings).toEqual([
      expect.stringMatching(/^warning: --token puts a secret .*--token-file or SWITCHYARD_ENROLLMENT_TOKEN/),
      expect.stringMatching(/^warning: --replication-password puts a secret where every user of this host can read it \(ps, \/proc\).*--replication-password-file or SWITCHYARD_REPLICATION_PASSWORD/),
      expect.stringMatching(/^warning: a password in --postgres .*SWITCHYARD_POSTGRES_PASSWORD/),
    ]);
  });

  it("prefer the file to the flag and the flag to the environment; an empty file is refused", () => {
    const warnings: string[] = [];
    expect(parseAgentArgs([...BASE, "--token-file", "/run/token", "--token", "sye_flag"], { SWITCHYARD_ENROLLMENT_TOKEN: "sye_env" }, reading(warnings))).toMatchObject({ token: "sye_from_file" });
    expect(parseAgentArgs([...BASE, "--token", "sye_flag"], { SWITCHYARD_ENROLLMENT_TOKEN: "sye_env" }, reading(warnings))).toMatchObject({ token: "sye_flag" });
    expect(() => parseAgentArgs([...BASE, "--token-file", "/run/empty"], {}, reading(warnings))).toThrow(/--token-file \/run\/empty: the file is empty/);
  });
});
