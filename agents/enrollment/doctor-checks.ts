import { mariadbLines, type MariadbServerFacts, type MariadbUserFacts } from "./mariadb-doctor-checks";

/** What `doctor` found out; null where a check could not be made (nothing to check it with). */
export interface DoctorFacts {
  stateDir: string;
  state: { kind: "enrolled"; agentName: string; fileMode: number; fingerprint: string } | { kind: "missing" } | { kind: "invalid"; message: string };
  stateDirWritable: { ok: true } | { ok: false; error: string };
  controlPlane: { url: string; reached: true; rttMs: number; skewMs: number | null } | { url: string; reached: false; error: string } | null;
  /** The answer to GET /api/v1/agents/config with the agent's credential. */
  credential: { status: number | null; message: string } | null;
  monitoring: RoleFacts | null;
  /** Set only when commands run as a role of their own (--commands-postgres). */
  commandsRole: RoleFacts | null;
  /** null when no replication credentials are set; `unchecked` when the server could not be asked. */
  replication: { user: string; role: { replication: boolean; superuser: boolean } | "missing" | "unchecked" } | null;
  dataDir: { path: string; readable: boolean; error: string | null } | null;
  binDir: { path: string; pgCtl: boolean } | null;
  /** Set only for a MariaDB replica (--mariadb): then it, not the PostgreSQL checks, judges the server. */
  mariadb?: MariadbServerFacts | null;
  /** Set only when commands run as a MariaDB user of their own (--commands-mariadb). */
  mariadbCommands?: MariadbUserFacts | null;
}

export type RoleFacts = { connected: true; user: string; superuser: boolean; pgMonitor: boolean } | { connected: false; error: string };

export interface DoctorLine {
  check: string;
  ok: boolean;
  detail: string;
  /** How to fix it, for a problem. */
  fix?: string;
}

/**
 * Reports carry the agent's clock; the control plane judges staleness and
 * skew against a heartbeat of about a second, and commands expire after a
 * few seconds, so a host more than a second off is a problem to fix.
 */
export const CLOCK_SKEW_LIMIT_MS = 1000;

const ok = (check: string, detail: string): DoctorLine => ({ check, ok: true, detail });
const problem = (check: string, detail: string, fix: string): DoctorLine => ({ check, ok: false, detail, fix });

function stateLines(facts: DoctorFacts): DoctorLine[] {
  const { state } = facts;
  const lines: DoctorLine[] = [];
  if (state.kind === "missing") lines.push(problem("state", `${facts.stateDir} holds no enrollment`, "run switchyard-agent enroll (see --help), or pass --state-dir"));
  if (state.kind === "invalid") lines.push(problem("state", state.message, "enroll again with a new token (--replace)"));
  if (state.kind === "enrolled") {
    lines.push(
      (state.fileMode & 0o077) === 0
        ? ok("state", `enrolled as ${state.agentName}; command key fingerprint ${state.fingerprint}`)
        : problem("state", `the state file is readable by others (mode ${(state.fileMode & 0o777).toString(8)}): it holds the agent's credential`, `chmod 600 ${facts.stateDir}/agent.json`),
    );
  }
  lines.push(
    facts.stateDirWritable.ok
      ? ok("state-dir", `${facts.stateDir} is writable`)
      : problem("state-dir", `cannot write ${facts.stateDir}: ${facts.stateDirWritable.error}`, `create it and give it to the agent's user: install -d -m 0700 -o <user> ${facts.stateDir}`),
  );
  return lines;
}

function controlPlaneLines(facts: DoctorFacts): DoctorLine[] {
  const { controlPlane, credential } = facts;
  if (!controlPlane) return [problem("control-plane", "no control plane to check", "pass --control-plane <url>, or enroll first")];
  if (!controlPlane.reached) {
    return [problem("control-plane", `cannot reach ${controlPlane.url}: ${controlPlane.error}`, "check the URL, DNS, the firewall and any proxy between this host and the control plane")];
  }
  const lines = [ok("control-plane", `${controlPlane.url} answers (${controlPlane.rttMs} ms)`)];
  if (controlPlane.skewMs === null) lines.push(problem("clock", "the control plane did not say its time", "upgrade the control plane"));
  else if (Math.abs(controlPlane.skewMs) > CLOCK_SKEW_LIMIT_MS) {
    lines.push(problem("clock", `this host's clock is ${controlPlane.skewMs} ms off the control plane's (limit ±${CLOCK_SKEW_LIMIT_MS} ms)`, "synchronise both clocks with NTP (chrony or systemd-timesyncd)"));
  } else lines.push(ok("clock", `${controlPlane.skewMs} ms off the control plane's clock`));
  if (credential) {
    lines.push(
      credential.status === 200
        ? ok("credential", "the control plane accepts this agent's credential")
        : problem("credential", credential.message, credential.status === 401 ? "issue a new enrollment token and enroll again with --replace" : "look at the control plane's log"),
    );
  }
  return lines;
}

function roleLines(facts: DoctorFacts): DoctorLine[] {
  const { monitoring, commandsRole } = facts;
  if (!monitoring) return [problem("postgres", "no PostgreSQL URL to check", "pass --postgres <monitoring url>, or enroll first")];
  if (!monitoring.connected) return [problem("postgres", `cannot connect as the monitoring role: ${monitoring.error}`, "check --postgres (host, port, user, password) and pg_hba.conf")];
  const lines = [
    monitoring.pgMonitor || monitoring.superuser
      ? ok("postgres", `connected as ${monitoring.user}, which has pg_monitor`)
      : problem("postgres", `${monitoring.user} lacks pg_monitor: the lag and checkpoint columns read as null`, `GRANT pg_monitor TO ${monitoring.user};`),
  ];
  const commands = commandsRole ?? monitoring;
  if (!commands.connected) {
    lines.push(problem("commands-role", `cannot connect as the commands role: ${commands.error}`, "check --commands-postgres and pg_hba.conf"));
  } else {
    lines.push(
      commands.superuser
        ? ok("commands-role", `commands run as ${commands.user}, a superuser (ALTER SYSTEM, pg_promote, pg_terminate_backend, CHECKPOINT)`)
        : problem("commands-role", `commands run as ${commands.user}, not a superuser: fence, promote, repoint and checkpoint will fail`, "enroll again with --commands-postgres <url of a superuser role>"),
    );
  }
  return lines;
}

function replicationLines(facts: DoctorFacts): DoctorLine[] {
  const { replication } = facts;
  if (!replication) return [problem("replication", "no replication credentials: repoint and rewind will be refused", "enroll again with --replication-user and --replication-password")];
  const { user, role } = replication;
  if (role === "unchecked") return [];
  if (role === "missing") return [problem("replication", `no role ${user} on this server`, `CREATE ROLE ${user} LOGIN REPLICATION PASSWORD '…';`)];
  return [
    role.replication || role.superuser
      ? ok("replication", `${user} may stream (REPLICATION)`)
      : problem("replication", `${user} lacks REPLICATION: a re-pointed standby cannot stream`, `ALTER ROLE ${user} REPLICATION;`),
  ];
}

function serverLines(facts: DoctorFacts): DoctorLine[] {
  const { dataDir, binDir } = facts;
  if (!dataDir) return [problem("data-dir", "no data folder: rewind will be refused", "enroll again with --data-dir and --bin-dir")];
  const lines = [
    dataDir.readable
      ? ok("data-dir", `${dataDir.path} is a readable PostgreSQL data folder`)
      : problem("data-dir", `cannot read ${dataDir.path}: ${dataDir.error}`, "run the agent as the data folder's owner (or root), or fix --data-dir"),
  ];
  if (binDir) {
    lines.push(binDir.pgCtl ? ok("bin-dir", `${binDir.path} holds pg_ctl`) : problem("bin-dir", `${binDir.path} holds no executable pg_ctl`, "point --bin-dir at the server's binaries (e.g. /usr/lib/postgresql/18/bin)"));
  }
  return lines;
}

/** One line per check, in the order a person fixes them: the agent's own state, the network, the database, the host. */
export function doctorVerdicts(facts: DoctorFacts): DoctorLine[] {
  if (facts.mariadb) return [...stateLines(facts), ...controlPlaneLines(facts), ...mariadbLines(facts.mariadb, facts.mariadbCommands ?? null), ...replicationLines(facts)];
  return [...stateLines(facts), ...controlPlaneLines(facts), ...roleLines(facts), ...replicationLines(facts), ...serverLines(facts)];
}

export function formatDoctorLine(line: DoctorLine): string {
  const head = `${line.ok ? "ok     " : "PROBLEM"} ${line.check.padEnd(13)} ${line.detail}`;
  return line.fix ? `${head}\n        ${"".padEnd(13)} fix: ${line.fix}` : head;
}
