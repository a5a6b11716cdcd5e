import path from "node:path";
import { killRegion, pauseRegion } from "@/lab/faults";
import { startMariadb } from "@/lab/mariadb/mariadb-server";
import { sessionsAccess, sessionsDataDir, sessionsDir } from "@/lab/mariadb/sessions-db";
import { killSessionsServer, pauseSessionsServer } from "@/lab/mariadb/sessions-faults";
import { SESSIONS_DB, sessionsReplica } from "@/lab/mariadb/sessions-topology";
import { verifySessionsLedger } from "@/lab/mariadb/sessions-workload";
import { sessionsTakesWrites } from "@/lab/mariadb/sessions-writable";
import { labDir } from "@/lab/paths";
import { findReplica } from "@/lab/topology";
import { verifyLedger } from "@/lab/verify";
import { sampleWritable, sampleWritablePrimaries, takesWrites, type WritableSample } from "@/test/support/writable-sampler";

/**
 * The lab service bench:failover fails over (`--service`): how its primary is
 * killed and frozen, asked whether a server takes writes, and its ledger
 * checked, for orders-db (PostgreSQL) and sessions-db (MariaDB) alike. Both
 * fail over between their us-east-1 and eu-west-1 replicas, the synchronous
 * (semi-synchronous) pair.
 */
export interface FailoverService {
  id: string;
  /** The lab's services the control plane runs for it (LAB_SERVICES). */
  labServices: string;
  replicas: readonly [string, string];
  regionOf(replica: string): string;
  kill(dataDir: string, replica: string): Promise<void>;
  freeze(dataDir: string, replica: string, seconds: number): Promise<void>;
  takesWrites(dataDir: string, replica: string): Promise<boolean>;
  sampleWritable(dataDir: string, everyMs: number): Promise<{ stop(): Promise<WritableSample[]> }>;
  ledger(dataDir: string, replica: string): Promise<{ acknowledged: number; lost: number }>;
  /** Starts a killed server again as a service manager would, for the reinstate runbook to rejoin it. */
  restart(dataDir: string, replica: string): Promise<void>;
  agentLog(dataDir: string, replica: string): string;
}

const ORDERS_DB: FailoverService = {
  id: "orders-db",
  labServices: "orders-db",
  replicas: ["pg-us-east-1", "pg-eu-west-1"],
  regionOf: (replica) => findReplica(replica).regionId,
  kill: async (dataDir, replica) => void (await killRegion(dataDir, replica)),
  freeze: async (dataDir, replica, seconds) => void (await pauseRegion(dataDir, findReplica(replica).regionId, seconds)),
  takesWrites,
  sampleWritable: (dataDir, everyMs) => sampleWritablePrimaries(dataDir, everyMs),
  ledger: (dataDir, replica) => verifyLedger(dataDir, replica),
  // The reinstate runbook's rewind starts the killed cluster itself.
  restart: async () => {},
  agentLog: (dataDir, replica) => path.join(labDir(dataDir), "agents", replica, "agent.log"),
};

const SESSIONS: FailoverService = {
  id: SESSIONS_DB.id,
  labServices: `orders-db,${SESSIONS_DB.id}`,
  replicas: ["sess-us-east-1", "sess-eu-west-1"],
  regionOf: (replica) => sessionsReplica(replica).regionId,
  kill: async (dataDir, replica) => void (await killSessionsServer(dataDir, replica)),
  freeze: async (dataDir, replica, seconds) => void (await pauseSessionsServer(dataDir, replica, seconds)),
  takesWrites: sessionsTakesWrites,
  sampleWritable: async (dataDir, everyMs) => sampleWritable(SESSIONS_DB.replicas.map((replica) => replica.name), (name) => sessionsTakesWrites(dataDir, name), everyMs),
  ledger: async (dataDir, replica) => {
    const check = await verifySessionsLedger(dataDir, sessionsAccess(dataDir).url(replica, "admin"));
    return { acknowledged: check.acknowledged, lost: check.missing.length };
  },
  restart: async (dataDir, replica) => {
    const { name, serverId, replication } = sessionsReplica(replica);
    // It comes back to follow the new primary: what it binlogged but no replica acknowledged is rolled back (see `rejoining`).
    await startMariadb({ name, dataDir: sessionsDataDir(dataDir, name), port: sessionsAccess(dataDir).ports[name]!, serverId, semiSyncReplica: replication === "sync", rejoining: true });
  },
  agentLog: (dataDir, replica) => path.join(sessionsDir(dataDir), "agents", replica, "agent.log"),
};

export const FAILOVER_SERVICES: Readonly<Record<string, FailoverService>> = { [ORDERS_DB.id]: ORDERS_DB, [SESSIONS.id]: SESSIONS };
