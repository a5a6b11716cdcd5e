import type { RequestField, ServerEndpoint } from "./readings";

/**
 * What discovery read from one MariaDB server: the facts a MariaDB proposal
 * is built from, nothing secret. Where PostgreSQL streams under an
 * application_name, a MariaDB replica registers with its primary under its
 * report_host (SHOW REPLICA HOSTS) and names its source in its own status
 * (SHOW ALL REPLICAS STATUS): Switchyard's MariaDB replicas report their
 * replica name as report_host.
 */

/** How discovery came to read a server: from a URL of the request, or by walking from one read before. */
export type MariadbReachedBy = { kind: "url" } | { kind: "source-of"; serverId: number } | { kind: "registered-at"; serverId: number };

/** One row of SHOW ALL REPLICAS STATUS: a replication connection of this server to its source. */
export interface MariadbSourceReading {
  connectionName: string;
  host: string;
  port: number;
  /** Master_Server_Id: the source's server_id, 0 before the first connection. */
  sourceServerId: number;
  ioRunning: string;
  sqlRunning: string;
  /** Using_Gtid: Slave_Pos, Current_Pos, or No (binlog file positions). */
  usingGtid: string;
  gtidIoPos: string;
  secondsBehind: number | null;
  ioError: { errno: number; message: string } | null;
  sqlError: { errno: number; message: string } | null;
}

/** One row of SHOW REPLICA HOSTS: a replica connected now that registered with report_host. */
export interface MariadbRegisteredReplica {
  serverId: number;
  host: string;
  port: number;
}

/** A statement the user may not run reads as the privilege it lacks, not as an error. */
export type MariadbListing<T> = { readable: true; rows: T[] } | { readable: false; reason: string };

export interface MariadbSemiSync {
  primaryEnabled: boolean;
  /** Rpl_semi_sync_master_status: ON while commits wait; OFF once it fell back to asynchronous. */
  primaryActive: boolean;
  clients: number;
  replicaEnabled: boolean;
  replicaActive: boolean;
}

export interface MariadbServerDetails {
  serverId: number;
  reportHost: string;
  reportPort: number;
  readOnly: boolean;
  gtidDomainId: number;
  gtidBinlogPos: string;
  gtidSlavePos: string;
  gtidStrictMode: boolean;
  logBin: boolean;
  logSlaveUpdates: boolean;
  binlogFormat: string;
  /** null when the server has no semi-synchronous replication variables (a build without it). */
  semiSync: MariadbSemiSync | null;
  sources: MariadbListing<MariadbSourceReading>;
  replicas: MariadbListing<MariadbRegisteredReplica>;
}

export interface MariadbServerReading {
  /** The request field whose URL (or whose credentials, for a server walked to) it was read with. */
  field: RequestField;
  reachedBy: MariadbReachedBy;
  endpoint: ServerEndpoint;
  /** CURRENT_USER(): `user@host` as the server matched the account. */
  account: string;
  version: string;
  /** null when the server is not MariaDB or too old for discovery to read. */
  details: MariadbServerDetails | null;
}

/** A server discovery learnt of but could not read with the seed's credentials. */
export interface MariadbUnreadServer {
  reachedBy: Exclude<MariadbReachedBy, { kind: "url" }>;
  endpoint: { host: string; port: number };
  error: string;
}

/** MariaDB 10.6: the oldest release with the replication statements and privileges (SLAVE MONITOR, REPLICATION MASTER ADMIN) the agent uses. */
export const MIN_MARIADB_VERSION = { major: 10, minor: 6 } as const;

/** The version's major and minor from @@version (`10.11.6-MariaDB-0+deb12u1-log`); null when it is not MariaDB. */
export function mariadbRelease(version: string): { major: number; minor: number } | null {
  const match = /^(\d+)\.(\d+)\.\d+-MariaDB/i.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

export function releaseSupported(version: string): boolean {
  const release = mariadbRelease(version);
  if (!release) return false;
  return release.major > MIN_MARIADB_VERSION.major || (release.major === MIN_MARIADB_VERSION.major && release.minor >= MIN_MARIADB_VERSION.minor);
}

/** The GRANT discovery and the agent's monitoring need: SHOW ALL REPLICAS STATUS and SHOW REPLICA HOSTS. */
export function monitoringGrant(account: string): string {
  return `GRANT SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO ${quotedAccount(account)};`;
}

/** `user@host` as CURRENT_USER() prints it, quoted as GRANT takes it. */
export function quotedAccount(account: string): string {
  const at = account.lastIndexOf("@");
  const user = at < 0 ? account : account.slice(0, at);
  const host = at < 0 ? "%" : account.slice(at + 1);
  return `'${user.replaceAll("'", "''")}'@'${host.replaceAll("'", "''")}'`;
}
