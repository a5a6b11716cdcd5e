import type { ReplicationConfig } from "../config";
import { libpqSecurity } from "./upstream-security";

/**
 * How a standby's WAL receiver notices that the path to its primary is dead,
 * so that it gives up and the startup process tries again (after
 * wal_retrieve_retry_interval) instead of waiting for the kernel. Without
 * them, a connect made while a partition lasts hangs on Linux's SYN
 * retransmissions (about 2 minutes in all, the gaps growing to 32 s and
 * more), and after the heal the standby streams again only at the next one.
 *
 * - tcp_user_timeout: the WAL receiver ignores libpq's connect_timeout (its
 *   connect loop waits on the socket without a deadline; a connect_timeout
 *   of 2 changed nothing here), so this is what bounds a connect: Linux
 *   (since 5.4) aborts a connect whose SYNs go unanswered this long, and an
 *   established connection whose sent data goes unacknowledged this long.
 *   10 s is far above any round trip a healthy link has (80 ms between
 *   us-east-1 and eu-west-1): there the first retransmission comes after
 *   about 280 ms and each next one twice as late, so a segment would have
 *   to be lost six times in a row (sent at 0, 0.3, 0.8, 2.0, 4.2 and 8.7 s)
 *   before a slow link counted as dead.
 * - keepalives: the WAL receiver sends a status at least every
 *   wal_receiver_status_interval (10 s by default), which tcp_user_timeout
 *   covers; with that interval turned off the connection can be silent, and
 *   probes after 10 s idle, every 5 s, give up on a dead path after 25 s
 *   (sooner with tcp_user_timeout, which also bounds unanswered probes).
 */
export const STANDBY_CONNECTION_OPTIONS: readonly (readonly [string, string])[] = [
  ["tcp_user_timeout", "10000"],
  ["keepalives", "1"],
  ["keepalives_idle", "10"],
  ["keepalives_interval", "5"],
  ["keepalives_count", "3"],
];

/**
 * A libpq connection string for primary_conninfo, with the options above
 * and the TLS and authentication requirements of upstream-security.ts for
 * a server whose libpq is of major version `libpqMajor` (omitted: one that
 * predates require_auth). Every value is quoted, with backslashes and
 * quotes escaped as libpq reads them, so a password (or a host) holding
 * spaces, quotes or `key=value` text stays one value and cannot add
 * parameters of its own. The lab builds its standbys' with it too, so a
 * standby the lab made and one an agent re-pointed stream alike.
 */
export function primaryConninfo(
  target: { host: string; port: number },
  credentials: Pick<ReplicationConfig, "user" | "password" | "sslMode" | "sslRootCert">,
  applicationName: string,
  libpqMajor = 0,
): string {
  const pairs: (readonly [string, string])[] = [
    ["host", target.host],
    ["port", String(target.port)],
    ["user", credentials.user],
    ["password", credentials.password],
    ["application_name", applicationName],
    ...STANDBY_CONNECTION_OPTIONS,
    ...libpqSecurity(credentials, libpqMajor),
  ];
  return pairs.map(([key, value]) => `${key}=${conninfoValue(value)}`).join(" ");
}

/**
 * Where this replica's region reaches the server a command names: the
 * address `replication.via` lists for it (a proxy or tunnel between
 * regions), else that address itself. The control plane names servers as
 * its store knows them, which need not be how every region reaches them.
 */
export function primaryAddress(target: { host: string; port: number }, replication: ReplicationConfig): { host: string; port: number } {
  const key = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  const routed = replication.via?.[key];
  if (!routed) return { host: target.host, port: target.port };
  const colon = routed.lastIndexOf(":");
  return { host: routed.slice(0, colon).replace(/^\[(.*)\]$/, "$1"), port: Number(routed.slice(colon + 1)) };
}

/** A libpq connection-string value, quoted and escaped. */
export function conninfoValue(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
