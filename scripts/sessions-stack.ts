import { mkdirSync } from "node:fs";
import path from "node:path";
import { ApiClientError } from "@/client/api-client";
import { Client } from "@/cli/client";
import { mariadbMissing } from "@/lab/mariadb/mariadb-server";
import { sessionsDir, startSessionsDb, type SessionsDb } from "@/lab/mariadb/sessions-db";
import { SESSIONS_DB, SESSIONS_DB_POLICY, sessionsFleetService } from "@/lab/mariadb/sessions-topology";
import { SessionsWorkload, sessionsLedgerFile } from "@/lab/mariadb/sessions-workload";
import { LAB_HOST } from "@/lab/topology";
import { DEMO_REGIONS } from "@/prisma/seed/demo-topology";
import type { Db } from "@/server/db/client";
import { ensureLabServicePolicy } from "@/server/lab/lab-policy";
import { syncLabEndpoints } from "@/server/lab/sync-lab-endpoints";
import { freePort } from "@/server/store/free-port";
import { enrollOrConfigure, joinedFlags } from "./lab-agent-args";
import type { LabAgentSpec } from "./lab-agents";

type Log = (line: string) => void;

/**
 * sessions-db in `npm start`: its MariaDB servers (when Debian's MariaDB is
 * installed; otherwise one line saying how to get it, and nothing else
 * depends on it), declared to the control plane by a fleet document, an
 * agent per server enrolled as a user enrolls one (so the service's policy
 * reaches it, its heartbeat included), and its workload with its own ledger.
 */
export interface SessionsStack {
  db: SessionsDb;
  /**
   * Declares the service, enrolls its agents (or tells enrolled ones their host settings anew) with
   * `agent`, which runs the agent's bundle once with these arguments, and starts the workload; the
   * agents' specs, for LabAgents.
   */
  run(options: { controlPlaneUrl: string; onboardingToken: string; workloadToken: string; rate: number; agent: (args: readonly string[]) => Promise<string> }): Promise<LabAgentSpec[]>;
  stopWorkload(): Promise<void>;
}

export async function prepareSessionsStack(dataDir: string, client: Db, log: Log): Promise<SessionsStack | null> {
  const missing = mariadbMissing();
  if (missing) {
    log(`sessions-db: not started; ${missing} (the rest of the lab does not need it)`);
    return null;
  }
  const db = await startSessionsDb(dataDir, (line) => log(`sessions-db: ${line}`));
  const endpoints = SESSIONS_DB.replicas.map((replica) => ({ serviceId: SESSIONS_DB.id, name: replica.name, host: LAB_HOST, port: db.ports[replica.name]! }));
  const moved = await syncLabEndpoints(client, endpoints);
  if (moved.length) log(`sessions-db: topology now points at ${moved.join(", ")}`);
  let workload: SessionsWorkload | null = null;

  return {
    db,
    async run({ controlPlaneUrl, onboardingToken, workloadToken, rate, agent }) {
      const api = new Client({ baseUrl: controlPlaneUrl, token: onboardingToken });
      await declare(api, db, log);
      const policy = await ensureLabServicePolicy(client, SESSIONS_DB.id, SESSIONS_DB_POLICY);
      if (policy) log(`sessions-db: ${policy}`);
      const specs = await agentSpecs({ dataDir, client, api, db, controlPlaneUrl, agent, log });
      const initial = db.primary ? { replicaName: db.primary, port: db.ports[db.primary]! } : null;
      workload = new SessionsWorkload({ dataDir, urlFor: (port) => withPort(db.url(SESSIONS_DB.primary, "app"), port), initial, controlPlane: { url: controlPlaneUrl, token: workloadToken }, rate, log });
      workload.start();
      log(`sessions-db workload: ~${rate} writes/s on its write route; ledger ${sessionsLedgerFile(dataDir)}`);
      return specs;
    },
    async stopWorkload() {
      await workload?.stop();
    },
  };
}

const withPort = (url: string, port: number) => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
};

/** Once: a service the control plane already knows is the users' (they may have changed it), as onboardLab does for the PostgreSQL services. */
async function declare(client: Client, db: SessionsDb, log: Log): Promise<void> {
  const known = await client.call("getService", { params: { id: SESSIONS_DB.id } }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof ApiClientError && error.status === 404) return false;
      throw error;
    },
  );
  if (known) return;
  const applied = await client.call("applyTopology", {
    body: {
      document: {
        version: 1,
        regions: DEMO_REGIONS.map(({ cloud, code, jurisdiction, displayName }) => ({ cloud, code, jurisdiction, displayName })),
        services: [sessionsFleetService(db.ports, db.primary ?? SESSIONS_DB.primary)],
      },
      reason: "the lab declares sessions-db, its MariaDB service, as a user declares their cluster",
    },
  });
  log(`sessions-db: applied ${applied.applied.join(", ")}`);
}

/**
 * Each server's agent, enrolled once with a token the onboarding account
 * issues (as an admin would), then told its host settings anew at every
 * start (ports may move). Its peers, interval and probe timeout come from
 * the control plane, as for any enrolled agent.
 */
async function agentSpecs(input: { dataDir: string; client: Db; api: Client; db: SessionsDb; controlPlaneUrl: string; agent: (args: readonly string[]) => Promise<string>; log: Log }): Promise<LabAgentSpec[]> {
  const { dataDir, client, api, db, controlPlaneUrl, agent, log } = input;
  const replication = db.credentials("replication");
  const service = await api.call("getService", { params: { id: SESSIONS_DB.id } });
  const specs: LabAgentSpec[] = [];
  for (const replica of SESSIONS_DB.replicas) {
    const folder = path.join(sessionsDir(dataDir), "agents", replica.name);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stateDir = path.join(folder, "state");
    const metricsPort = await freePort();
    const healthPort = await freePort();
    const flags: [string, string][] = [
      ["--control-plane", controlPlaneUrl],
      ["--mariadb", db.url(replica.name, "monitor")],
      ["--commands-mariadb", db.url(replica.name, "admin")],
      ["--replication-user", replication.user],
      ["--replication-password", replication.password],
      // Where a rebuild keeps the old data, so the service's policy alone decides whether errant transactions are refused or rebuilt.
      ["--former-data-dir", path.join(folder, "former")],
      ["--metrics-port", String(metricsPort)],
      ["--health-port", String(healthPort)],
    ];
    const hostArgs = ["--state-dir", stateDir, ...joinedFlags(flags)];
    const token = async () => {
      const row = service.replicas.find((candidate) => candidate.name === replica.name);
      if (!row) throw new Error(`${SESSIONS_DB.id} has no replica ${replica.name}`);
      return (await api.call("issueEnrollmentToken", { params: { id: row.id }, body: {} })).token;
    };
    const said = await enrollOrConfigure({ client, stateDir, hostArgs, token, agent });
    specs.push({ replica: replica.name, regionId: replica.regionId, args: ["run", "--state-dir", stateDir], logFile: path.join(folder, "agent.log") });
    log(`agent ${replica.name}: ${said.split("\n")[0]}; metrics at http://127.0.0.1:${metricsPort}/metrics, health at http://127.0.0.1:${healthPort}/primary`);
  }
  return specs;
}
