import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ApiClientError } from "@/client/api-client";
import { Client } from "@/cli/client";
import type { AgentConfig } from "@/agents/config";
import { mariadbMissing } from "@/lab/mariadb/mariadb-server";
import { sessionsDir, startSessionsDb, type SessionsDb } from "@/lab/mariadb/sessions-db";
import { SESSIONS_DB, SESSIONS_DB_POLICY, sessionsFleetService } from "@/lab/mariadb/sessions-topology";
import { SessionsWorkload, sessionsLedgerFile } from "@/lab/mariadb/sessions-workload";
import { LAB_HOST } from "@/lab/topology";
import { DEMO_REGIONS } from "@/prisma/seed/demo-topology";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import type { Db } from "@/server/db/client";
import { ensureLabServicePolicy } from "@/server/lab/lab-policy";
import { syncLabEndpoints } from "@/server/lab/sync-lab-endpoints";
import { freePort } from "@/server/store/free-port";
import type { LabAgentSpec } from "./lab-agents";

type Log = (line: string) => void;

/**
 * sessions-db in `npm start`: its MariaDB servers (when Debian's MariaDB is
 * installed; otherwise one line saying how to get it, and nothing else
 * depends on it), declared to the control plane by a fleet document, an
 * agent per server run from a config file (MariaDB agents do not enroll
 * yet), and its workload with its own ledger.
 */
export interface SessionsStack {
  db: SessionsDb;
  /** Declares the service, registers and configures its agents (their specs, for LabAgents), and starts the workload. */
  run(options: { controlPlaneUrl: string; onboardingToken: string; workloadToken: string; rate: number }): Promise<LabAgentSpec[]>;
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
    async run({ controlPlaneUrl, onboardingToken, workloadToken, rate }) {
      await declare(new Client({ baseUrl: controlPlaneUrl, token: onboardingToken }), db, log);
      const policy = await ensureLabServicePolicy(client, SESSIONS_DB.id, SESSIONS_DB_POLICY);
      if (policy) log(`sessions-db: ${policy}`);
      const specs = await agentSpecs(dataDir, client, db, controlPlaneUrl, log);
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

/** Each server's agent: registered once (its token kept in its folder), its config written anew at every start (ports may move). */
async function agentSpecs(dataDir: string, client: Db, db: SessionsDb, controlPlaneUrl: string, log: Log): Promise<LabAgentSpec[]> {
  const publicKey = (await commandSigningKey(client)).publicKeyPem;
  const replication = db.credentials("replication");
  const specs: LabAgentSpec[] = [];
  for (const replica of SESSIONS_DB.replicas) {
    const folder = path.join(sessionsDir(dataDir), "agents", replica.name);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const tokenFile = path.join(folder, "token");
    if (!existsSync(tokenFile)) {
      const row = await client.replica.findFirstOrThrow({ where: { serviceId: SESSIONS_DB.id, name: replica.name, retiredAt: null } });
      const { token } = await registerAgent({ replicaId: row.id, name: `lab-${replica.name}` }, SYSTEM_ACTOR, client);
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    }
    const metricsPort = await freePort();
    const healthPort = await freePort();
    const config: AgentConfig = {
      controlPlaneUrl,
      token: readFileSync(tokenFile, "utf8").trim(),
      agentName: `lab-${replica.name}`,
      // Where a rebuild keeps the old data, so the service's policy alone decides whether errant transactions are refused or rebuilt.
      replica: { name: replica.name, regionId: replica.regionId, engine: "mariadb", connectionString: db.url(replica.name, "monitor"), formerDataDir: path.join(folder, "former") },
      peers: SESSIONS_DB.replicas.filter((peer) => peer.name !== replica.name).map((peer) => ({ replica: peer.name, regionId: peer.regionId, connectionString: db.url(peer.name, "monitor") })),
      intervalMs: 1000,
      probeTimeoutMs: 2000,
      queue: { dir: path.join(folder, "queue"), maxBytes: 64 * 1024 * 1024 },
      metrics: { port: metricsPort, host: "127.0.0.1" },
      health: { port: healthPort, host: "127.0.0.1" },
      commands: { publicKey, pollSeconds: 25, connectionString: db.url(replica.name, "admin") },
      replication: { user: replication.user, password: replication.password },
    };
    const configFile = path.join(folder, "agent.json");
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    specs.push({ replica: replica.name, regionId: replica.regionId, args: [configFile], logFile: path.join(folder, "agent.log") });
    log(`agent ${replica.name}: configured (${configFile}); metrics at http://127.0.0.1:${metricsPort}/metrics, health at http://127.0.0.1:${healthPort}/primary`);
  }
  return specs;
}
