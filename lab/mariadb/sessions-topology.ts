import type { PolicyDocument } from "@/contracts/policy";
import type { FleetService } from "@/contracts/topology";
import { GLOBAL_DEFAULT_POLICY } from "@/prisma/seed/demo-topology";

/**
 * sessions-db, the lab's MariaDB service: three regions' servers with GTID
 * replication, the primary's commits waiting for one semi-synchronous
 * replica (the other `sync` one), the third asynchronous. Its own names and
 * ports, beside the PostgreSQL services, and only when MariaDB is installed.
 */

export interface SessionsReplica {
  name: string;
  regionId: string;
  /** In every GTID the server writes: one per server, never reused. */
  serverId: number;
  /** `sync` replicas acknowledge semi-synchronous commits; the primary waits for one. */
  replication: "sync" | "async";
  promotionPriority: number;
  preferredPort: number;
}

export const SESSIONS_DB = {
  id: "sessions-db",
  name: "Sessions database",
  description: "MariaDB 10.11 with GTID replication; commits wait for one semi-synchronous replica.",
  database: "sessions",
  /** One row per acknowledged write of the lab's workload (the ledger is checked against it). */
  table: "sessions",
  primary: "sess-us-east-1",
  replicas: [
    { name: "sess-us-east-1", regionId: "aws:us-east-1", serverId: 1, replication: "sync", promotionPriority: 100, preferredPort: 3407 },
    { name: "sess-eu-west-1", regionId: "aws:eu-west-1", serverId: 2, replication: "sync", promotionPriority: 90, preferredPort: 3408 },
    { name: "sess-europe-west3", regionId: "gcp:europe-west3", serverId: 3, replication: "async", promotionPriority: 50, preferredPort: 3409 },
  ] as const satisfies readonly SessionsReplica[],
  datasets: [{ name: "sessions", ownerTeam: "identity", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }],
} as const;

export type SessionsReplicaName = (typeof SESSIONS_DB.replicas)[number]["name"];

export function sessionsReplica(name: string): SessionsReplica {
  const replica = SESSIONS_DB.replicas.find((candidate) => candidate.name === name);
  if (!replica) throw new Error(`sessions-db has no replica ${name}; it has ${SESSIONS_DB.replicas.map((candidate) => candidate.name).join(", ")}`);
  return replica;
}

/** The service in a fleet document, each replica at the port its server listens on, the primary the one serving now. */
export function sessionsFleetService(ports: Readonly<Record<string, number>>, primary: string): FleetService {
  return {
    id: SESSIONS_DB.id,
    name: SESSIONS_DB.name,
    description: SESSIONS_DB.description,
    labels: {},
    engine: "mariadb",
    primary,
    datasets: SESSIONS_DB.datasets.map((dataset) => ({ ...dataset })),
    replicas: SESSIONS_DB.replicas.map((replica) => {
      const port = ports[replica.name];
      if (port === undefined) throw new Error(`the lab has no port for ${replica.name}`);
      return {
        name: replica.name,
        region: replica.regionId,
        host: "127.0.0.1",
        port,
        database: SESSIONS_DB.database,
        replication: replica.replication,
        promotionPriority: replica.promotionPriority,
        noPromote: false,
        witnessOnly: false,
      };
    }),
  };
}

/** Its policy: the defaults, its one dataset replicated synchronously (semi-sync), in EU and US regions as the PostgreSQL services. */
export const SESSIONS_DB_POLICY: PolicyDocument = {
  ...GLOBAL_DEFAULT_POLICY,
  datasets: { sessions: { replication: "sync", residency: { jurisdictions: ["EU", "US"], regions: [] } } },
};
