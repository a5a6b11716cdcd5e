import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { healthSchema } from "@/contracts/health";
import { ConfigError } from "../config";
import { errorMessage } from "../error-message";
import { controlPlaneClient } from "../control-planes";
import { createHttpClient, type HttpClient } from "../http-post";
import { closeClient, connectWithin, newClient } from "../pg-client";
import { loadAgentState, STATE_FILE, type AgentState, type HostSettings } from "./agent-state";
import type { AgentInvocation } from "./cli-args";
import { fetchControlPlaneConfig } from "./control-plane-config";
import { mariadbServerFacts, mariadbUserFacts } from "./mariadb-doctor";
import { doctorVerdicts, formatDoctorLine, type DoctorFacts, type RoleFacts } from "./doctor-checks";

const TIMEOUT_MS = 5_000;

function readState(stateDir: string): { facts: DoctorFacts["state"]; state: AgentState | null } {
  try {
    const state = loadAgentState(stateDir);
    const fileMode = statSync(path.join(stateDir, STATE_FILE)).mode;
    return { facts: { kind: "enrolled", agentName: state.agentName, fileMode, fingerprint: state.commandKey.fingerprint }, state };
  } catch (error) {
    if (error instanceof ConfigError && /has not enrolled/.test(error.message)) return { facts: { kind: "missing" }, state: null };
    return { facts: { kind: "invalid", message: errorMessage(error) }, state: null };
  }
}

async function controlPlaneFacts(http: HttpClient, url: string): Promise<NonNullable<DoctorFacts["controlPlane"]>> {
  const sent = Date.now();
  try {
    const answer = await http.get(new URL("/api/health", url), {}, TIMEOUT_MS);
    const received = Date.now();
    const health = healthSchema.safeParse(JSON.parse(answer.body));
    // The control plane read its clock about halfway through the round trip.
    const skewMs = health.success ? Math.round((sent + received) / 2 - Date.parse(health.data.time)) : null;
    return { url, reached: true, rttMs: received - sent, skewMs };
  } catch (error) {
    return { url, reached: false, error: errorMessage(error) };
  }
}

async function withClient<T>(connectionString: string, work: (client: ReturnType<typeof newClient>) => Promise<T>): Promise<T> {
  const client = newClient(connectionString, TIMEOUT_MS, "switchyard-agent-doctor");
  try {
    await connectWithin(client, TIMEOUT_MS, "connection to PostgreSQL");
    return await work(client);
  } finally {
    await closeClient(client);
  }
}

async function roleFacts(connectionString: string): Promise<RoleFacts> {
  try {
    return await withClient(connectionString, async (client) => {
      const { rows } = await client.query<{ user: string; superuser: boolean; pg_monitor: boolean }>(
        "SELECT current_user AS user, rolsuper AS superuser, pg_has_role(current_user, 'pg_monitor', 'MEMBER') AS pg_monitor FROM pg_roles WHERE rolname = current_user",
      );
      const row = rows[0]!;
      return { connected: true, user: row.user, superuser: row.superuser, pgMonitor: row.pg_monitor };
    });
  } catch (error) {
    return { connected: false, error: errorMessage(error) };
  }
}

async function replicationFacts(monitoring: string, user: string): Promise<NonNullable<DoctorFacts["replication"]>> {
  try {
    return await withClient(monitoring, async (client) => {
      const { rows } = await client.query<{ rolreplication: boolean; rolsuper: boolean }>("SELECT rolreplication, rolsuper FROM pg_roles WHERE rolname = $1", [user]);
      const row = rows[0];
      return { user, role: row ? { replication: row.rolreplication, superuser: row.rolsuper } : "missing" };
    });
  } catch {
    // The monitoring check already says why the server cannot be asked.
    return { user, role: "unchecked" };
  }
}

/** Whether the agent could write its state there, without making anything: a doctor changes nothing. */
function stateDirFacts(stateDir: string): DoctorFacts["stateDirWritable"] {
  let folder = stateDir;
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

function dataDirFacts(dataDir: string): NonNullable<DoctorFacts["dataDir"]> {
  try {
    readdirSync(dataDir);
    accessSync(path.join(dataDir, "PG_VERSION"), constants.R_OK);
    return { path: dataDir, readable: true, error: null };
  } catch (error) {
    return { path: dataDir, readable: false, error: errorMessage(error) };
  }
}

function binDirFacts(binDir: string): NonNullable<DoctorFacts["binDir"]> {
  try {
    accessSync(path.join(binDir, "pg_ctl"), constants.X_OK);
    return { path: binDir, pgCtl: true };
  } catch {
    return { path: binDir, pgCtl: false };
  }
}

/**
 * `switchyard-agent doctor`: checks what the agent needs, from the state
 * folder and/or the enroll flags given (so a host can be checked before it
 * enrolls), and writes one line per check. True when every check passed.
 */
export async function runDoctor(invocation: Extract<AgentInvocation, { kind: "doctor" }>, write: (line: string) => void): Promise<boolean> {
  const { facts: stateFacts, state } = readState(invocation.stateDir);
  // The server the flags name replaces the saved one, of either engine.
  const saved: Partial<HostSettings> = invocation.host.postgres || invocation.host.mariadb ? { ...state?.host, postgres: undefined, mariadb: undefined } : { ...state?.host };
  const host: Partial<HostSettings> = { ...saved, ...invocation.host };
  const url = invocation.controlPlaneUrl ?? state?.controlPlaneUrl ?? null;
  const { http, first } = url ? controlPlaneClient(url) : { http: createHttpClient(), first: null };
  try {
    const controlPlane = first ? await controlPlaneFacts(http, first) : null;
    const credential = state && controlPlane?.reached ? await fetchControlPlaneConfig(http, state, TIMEOUT_MS) : null;
    const facts: DoctorFacts = {
      stateDir: invocation.stateDir,
      state: stateFacts,
      stateDirWritable: stateDirFacts(invocation.stateDir),
      controlPlane,
      credential: credential && (credential.ok ? { status: 200, message: "accepted" } : { status: credential.status, message: credential.message }),
      monitoring: host.postgres ? await roleFacts(host.postgres) : null,
      commandsRole: host.commandsPostgres ? await roleFacts(host.commandsPostgres) : null,
      replication: host.postgres && host.replication ? await replicationFacts(host.postgres, host.replication.user) : null,
      dataDir: host.server ? dataDirFacts(host.server.dataDir) : null,
      binDir: host.server ? binDirFacts(host.server.binDir) : null,
      mariadb: host.mariadb ? await mariadbServerFacts(host.mariadb) : null,
      mariadbCommands: host.mariadb && host.commandsMariadb ? await mariadbUserFacts(host.commandsMariadb) : null,
    };
    // No MariaDB user may read another's grants: the replication user's are not checked.
    if (host.mariadb && host.replication) facts.replication = { user: host.replication.user, role: "unchecked" };
    const lines = doctorVerdicts(facts);
    for (const line of lines) write(formatDoctorLine(line));
    return lines.every((line) => line.ok);
  } finally {
    http.close();
  }
}
